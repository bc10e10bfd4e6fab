namespace Aio;

// The future Asyncio.Gather returns (asyncio's _GatheringFuture). It completes from its children's
// done callbacks: with the first failure or cancellation at once (the other children keep running),
// else with every result in argument order once all have finished. Cancelling it cancels the
// children instead of itself; the cancellation then arrives through them.
internal sealed class GatheringFuture<T> : Future<T[]>
{
    private readonly Future<T>[] _children;
    private readonly int _distinct;
    private int _finished;
    private bool _cancelRequested;
    private string? _cancelMessage;

    private GatheringFuture(Loop loop, Future<T>[] children, int distinct) : base(loop)
    {
        _children = children;
        _distinct = distinct;
    }

    // A future passed twice is one child: it is watched once and its result fills both places.
    public static GatheringFuture<T> Start(Future<T>[] arguments)
    {
        var loop = arguments[0].Loop;
        var children = new Future<T>[arguments.Length];
        var seen = new HashSet<Future<T>>(ReferenceEqualityComparer.Instance);
        var alreadyDone = new List<Future<T>>();
        var pending = new List<Future<T>>();
        for (var i = 0; i < arguments.Length; i++)
        {
            var child = Asyncio.EnsureFuture(arguments[i], loop);
            children[i] = child;
            if (seen.Add(child)) (child.Done ? alreadyDone : pending).Add(child);
        }
        var outer = new GatheringFuture<T>(loop, children, seen.Count);
        foreach (var child in pending) child.AddDoneCallback(outer.OnChildDone);
        // Children that finished before the call are counted now, so a gather of finished futures is
        // itself finished when Gather returns.
        foreach (var child in alreadyDone) outer.OnChildDone(child);
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
        if (accepted)
        {
            _cancelRequested = true;
            _cancelMessage = message;
        }
        return accepted;
    }

    private void OnChildDone(Future done)
    {
        var child = (Future<T>)done;
        _finished++;
        if (Done)
        {
            // The gather already reported its outcome; a later failure is consumed here so that it
            // is not reported as never retrieved.
            if (!child.Cancelled) child.Exception();
            return;
        }
        if (child.Cancelled)
        {
            SetException(child.CancelledError());
            return;
        }
        if (child.Exception() is { } error)
        {
            SetException(error);
            return;
        }
        if (_finished < _distinct) return;
        if (_cancelRequested)
        {
            SetException(new CancelledException(_cancelMessage));
            return;
        }
        var results = new T[_children.Length];
        for (var i = 0; i < results.Length; i++) results[i] = _children[i].Result();
        SetResult(results);
    }
}
