using Aio.Core;
using Microsoft.FSharp.Core;

namespace Aio;

// The future Asyncio.Gather returns (asyncio's _GatheringFuture). The core's GatherState decides what
// each child's end means (wait, fail at once with the child's error while the others keep running,
// raise the gather's own cancellation, or complete with one entry per argument); this class carries it
// out. Cancelling it cancels the children instead of itself.
internal sealed class GatheringFuture<TResult> : Future<TResult[]>
{
    // One entry per argument; an argument given twice names the same child twice.
    private readonly Future[] _children;
    private readonly Func<Future, TResult> _entry;
    private GatherState _state;

    private GatheringFuture(Loop loop, Future[] children, int distinct, bool returnExceptions, Func<Future, TResult> entry) : base(loop)
    {
        _children = children;
        _entry = entry;
        _state = GatherStateModule.start(distinct, returnExceptions);
    }

    // Arguments become children in order (EnsureFuture: a coroutine becomes a task), and an argument
    // passed twice is one child: it is watched once and its entry fills both places. `entry` reads a
    // finished child's entry of the result list.
    public static GatheringFuture<TResult> Start(Loop loop, object[] arguments, bool returnExceptions, Func<Future, TResult> entry)
    {
        var children = new Future[arguments.Length];
        var byArgument = new IdentityMap<Future>(arguments.Length);
        var distinct = 0;
        for (var i = 0; i < arguments.Length; i++)
        {
            ArgumentNullException.ThrowIfNull(arguments[i], nameof(arguments));
            if (byArgument.TryGetValue(arguments[i], out var seen))
            {
                children[i] = seen;
                continue;
            }
            var child = Asyncio.EnsureFutureOn(loop, arguments[i]);
            if (!ReferenceEquals(child.Loop, loop))
                throw new ArgumentException("gather() children must all belong to one loop: this one belongs to another.", nameof(arguments));
            byArgument.Add(arguments[i], child);
            children[i] = child;
            distinct++;
        }
        var outer = new GatheringFuture<TResult>(loop, children, distinct, returnExceptions, entry);
        // One delegate for every child, and no execution context: the callback is the gather's own.
        // An argument's first place is the one that still finds it in the map; taking it out there
        // leaves its repeats unfound, so each child is watched (or counted) once.
        Action<Future> onChildDone = outer.OnChildDone;
        List<Future>? finished = null;
        for (var i = 0; i < children.Length; i++)
        {
            if (!byArgument.Remove(arguments[i])) continue;
            if (!children[i].Done) children[i].AddDoneCallbackNoContext(onChildDone);
            else (finished ??= []).Add(children[i]);
        }
        // Children that finished before the call are counted after every callback is in place, so a
        // gather of finished futures is itself finished when Gather returns.
        if (finished is not null)
            foreach (var child in finished) outer.OnChildDone(child);
        return outer;
    }

    /// <summary>
    /// Cancels every unfinished child; true if any accepted. The gather then ends with a
    /// <see cref="CancelledException"/> once its children are done, even if they swallowed the request.
    /// </summary>
    public override bool Cancel(string? message = null)
    {
        if (Done) return false;
        var accepted = false;
        foreach (var child in _children)
            if (child.Cancel(message)) accepted = true;
        _state = GatherStateModule.cancelRequested(accepted, _state);
        return accepted;
    }

    [AsyncioName("gather.<locals>._done_callback")]
    private void OnChildDone(Future child)
    {
        var (state, decision) = GatherStateModule.childDone(child.ChildOutcome, Done, _state);
        _state = state;
        switch (decision)
        {
            case var d when d.IsFailWithChildError:
                SetException(child.Cancelled ? child.CancelledError() : child.Exception()!);
                break;
            case var d when d.IsConsumeLateError:
                child.Exception();
                break;
            case var d when d.IsRaiseLastChildCancellation:
                SetException(_children[^1].MakeCancelledError());
                break;
            case var d when d.IsCompleteWithResults:
                var results = new TResult[_children.Length];
                for (var i = 0; i < results.Length; i++) results[i] = _entry(_children[i]);
                SetResult(results);
                break;
        }
    }
}
