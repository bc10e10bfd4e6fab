using Aio.Core;
using Microsoft.FSharp.Core;

namespace Aio;

// Cancelling a task that awaits a task that awaits a task… passes the cancel down the chain, as asyncio
// does by calling each waiter's cancel() in turn. Here the chain is walked in a loop instead of by nested
// calls, so a chain of a million tasks is cancelled without growing the stack, in CPython's order at any
// depth: each task takes the request on the way down (the core decides, and marks it Forwarding), the
// innermost waiter is cancelled, and the answers go back up, innermost first; then each task's
// CancellationToken is cancelled, innermost first. The core also decides what a cycle is: a cancel
// that reaches a task still Forwarding came back round, and is refused.
internal static class CancelPropagation
{
    // The tasks of the walks in progress: a gather on the way cancels its children, each a walk of its
    // own nested in this one, which works above the outer walk's part of the list.
    [ThreadStatic] private static List<(ITaskStepper Task, bool Accepted)>? s_path;

    public static bool Cancel(ITaskStepper task, FSharpOption<string>? message)
    {
        if (!task.PassCancel(message, out var deeper)) return false;
        if (deeper is null)
        {
            task.CancelTaken();
            return true;
        }
        var path = s_path ??= [];
        var bottom = path.Count;
        path.Add((task, true));
        try
        {
            while (deeper is not null)
            {
                var next = deeper;
                path.Add((next, next.PassCancel(message, out deeper)));
            }
        }
        catch
        {
            // Round a cycle: every task on the list is still forwarding (one whose own waiter answered
            // ends the walk, so none such is on it); each stops, and the error goes on to the caller.
            for (var i = path.Count - 1; i >= bottom; i--) path[i].Task.CancelAnswered(WaiterAnswer.WaiterRaised, message);
            path.RemoveRange(bottom, path.Count - bottom);
            throw;
        }
        // Every answer first, then the tasks' CancellationTokens, innermost first: a token's callbacks are
        // user code, which may cancel one of these tasks again (not a cycle, once no task is forwarding)
        // or raise a fatal exception out of the loop's handler (which must not leave any task forwarding).
        var top = path.Count;
        for (var i = top - 2; i >= bottom; i--)
            path[i].Task.CancelAnswered(path[i + 1].Accepted ? WaiterAnswer.WaiterAccepted : WaiterAnswer.WaiterRefused, message);
        try
        {
            for (var i = top - 1; i >= bottom; i--) path[i].Task.CancelTaken();
        }
        finally
        {
            path.RemoveRange(bottom, path.Count - bottom);
        }
        return true;
    }
}
