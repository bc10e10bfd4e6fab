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

    // False until every argument is a child and the state counts them; a Start that failed part-way
    // leaves it false for good, and the children it already watched then end as if the gather were done.
    private bool _started;

    private GatheringFuture(Loop loop, Future[] children, Func<Future, TResult> entry) : base(loop)
    {
        _children = children;
        _entry = entry;
    }

    // Arguments become children in order (EnsureFuture: a coroutine becomes a task), and an argument
    // passed twice is one child, watched once, whose entry fills both places. As in asyncio, each new
    // child is looked at as soon as it exists: a pending one is watched at once, one already done is
    // counted once every argument is a child, so a gather of finished futures is itself finished when
    // Gather returns, and a future that a later argument's eager first step completes is still
    // counted through its callback, an iteration later. `entry` reads a finished child's entry.
    public static GatheringFuture<TResult> Start(Loop loop, object[] arguments, bool returnExceptions, Func<Future, TResult> entry)
    {
        var children = new Future[arguments.Length];
        var byArgument = new IdentityMap<Future>(arguments.Length);
        var outer = new GatheringFuture<TResult>(loop, children, entry);
        // One delegate for every child, and no execution context: the callback is the gather's own.
        Action<Future> onChildDone = outer.OnChildDone;
        List<Future>? finished = null;
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
            // A task gather made for a coroutine is gather's own: dropped pending with the gather, it is not
            // reported (asyncio's _log_destroy_pending = False).
            if (!ReferenceEquals(child, arguments[i]) && child is ITaskStepper made) made.DoNotReportIfDestroyedPending();
            byArgument.Add(arguments[i], child);
            children[i] = child;
            distinct++;
            if (child.Done) (finished ??= []).Add(child);
            else child.AddDoneCallbackNoContext(onChildDone);
        }
        outer._state = GatherStateModule.start(distinct, returnExceptions);
        outer._started = true;
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
        // A gather whose Start failed is never handed out: its watched children end as after a finished
        // gather (asyncio's `outer is None` case), their failures consumed.
        var (state, decision) = GatherStateModule.childDone(child.ChildOutcome, Done || !_started, _state);
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
