using Aio.Core;
using Microsoft.FSharp.Core;

namespace Aio;

// The future Asyncio.Gather returns (asyncio's _GatheringFuture). The core's GatherState decides what
// each child's end means (wait, fail at once with the child's error while the others keep running,
// raise the gather's own cancellation, or complete with every result in argument order); this class
// carries it out. Cancelling it cancels the children instead of itself.
internal sealed class GatheringFuture<T> : Future<T[]>
{
    private readonly Future<T>[] _children;
    private GatherState _state;

    private GatheringFuture(Loop loop, Future<T>[] children, int distinct) : base(loop)
    {
        _children = children;
        _state = GatherStateModule.start(distinct);
    }

    // A future passed twice is one child: it is watched once and its result fills both places.
    public static GatheringFuture<T> Start(Future<T>[] arguments)
    {
        var loop = arguments[0].Loop;
        var children = new Future<T>[arguments.Length];
        // Which places hold a child's first appearance: the children to watch.
        var first = new bool[arguments.Length];
        var seen = new HashSet<Future<T>>(arguments.Length, ReferenceEqualityComparer.Instance);
        for (var i = 0; i < arguments.Length; i++)
        {
            var child = Asyncio.EnsureFuture(arguments[i], loop);
            children[i] = child;
            first[i] = seen.Add(child);
        }
        var outer = new GatheringFuture<T>(loop, children, seen.Count);
        // One delegate for every child, and no execution context: the callback is the gather's own.
        Action<Future> onChildDone = outer.OnChildDone;
        for (var i = 0; i < children.Length; i++)
            if (first[i] && !children[i].Done) children[i].AddDoneCallbackNoContext(onChildDone);
        // Children that finished before the call are counted now, so a gather of finished futures is
        // itself finished when Gather returns.
        for (var i = 0; i < children.Length; i++)
            if (first[i] && children[i].Done) outer.OnChildDone(children[i]);
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
        _state = GatherStateModule.cancelRequested(accepted, message is null ? FSharpOption<string>.None : FSharpOption<string>.Some(message), _state);
        return accepted;
    }

    private void OnChildDone(Future done)
    {
        var child = (Future<T>)done;
        var outcome = child.Cancelled ? ChildOutcome.ChildCancelled
            : child.Outcome.IsWaiterFailed || child.Outcome.IsWaiterCancelled ? ChildOutcome.ChildFailed
            : ChildOutcome.ChildSucceeded;
        var (state, decision) = GatherStateModule.childDone(outcome, Done, _state);
        _state = state;
        switch (decision)
        {
            case var d when d.IsFailWithChildError:
                SetException(child.Cancelled ? child.CancelledError() : child.Exception()!);
                break;
            case var d when d.IsConsumeLateError:
                child.Exception();
                break;
            case GatherDecision.RaiseCancelled cancelled:
                SetException(new CancelledException(FSharpOption<string>.get_IsSome(cancelled.message) ? cancelled.message!.Value : null));
                break;
            case var d when d.IsCompleteWithResults:
                var results = new T[_children.Length];
                for (var i = 0; i < results.Length; i++) results[i] = _children[i].Result();
                SetResult(results);
                break;
        }
    }
}
