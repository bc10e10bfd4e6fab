namespace Aio;

// Cancelling a task that awaits a task that awaits a task… passes the cancel down the chain, as asyncio
// does, by calling each waiter's cancel() in turn. Up to a depth of MaxDepth that is a plain call, so the
// order matches CPython's depth-first one exactly; deeper waiters are queued and cancelled, in order, by
// the outermost cancel once its own call returns, so a chain of a million tasks is cancelled without
// growing the stack. A task queued twice in one propagation means the tasks await each other in a cycle.
internal static class CancelPropagation
{
    private const int MaxDepth = 256;

    [ThreadStatic] private static int s_depth;
    [ThreadStatic] private static Queue<(ITaskStepper Task, string? Message)>? s_deferred;
    [ThreadStatic] private static HashSet<ITaskStepper>? s_seen;

    public static void Enter() => s_depth++;

    // The outermost cancel drains what deeper levels queued.
    public static void Leave()
    {
        if (s_depth > 1)
        {
            s_depth--;
            return;
        }
        try
        {
            while (s_deferred is { Count: > 0 } queue)
            {
                var (task, message) = queue.Dequeue();
                task.Cancel(message);
            }
        }
        finally
        {
            s_depth = 0;
            s_deferred?.Clear();
            s_seen?.Clear();
        }
    }

    // Queues the cancel of `task` when the propagation is too deep for another call.
    public static bool TryDefer(ITaskStepper task, string? message, ILoopTask from)
    {
        if (s_depth < MaxDepth) return false;
        s_seen ??= new HashSet<ITaskStepper>(ReferenceEqualityComparer.Instance);
        if (!s_seen.Add(task))
            throw new InvalidOperationException($"Cancelling {from} came back round to {task} through the futures they await: tasks that await each other in a cycle cannot be cancelled (CPython raises RecursionError here). Break the cycle first, for example by cancelling a future one of them awaits.");
        (s_deferred ??= new()).Enqueue((task, message));
        return true;
    }
}
