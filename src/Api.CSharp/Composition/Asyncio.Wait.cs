using Aio.Core;

namespace Aio;

public static partial class Asyncio
{
    /// <summary>
    /// Waits until <paramref name="returnWhen"/> is met or <paramref name="timeout"/> seconds pass, then
    /// returns the futures that are done and those still pending (asyncio's <c>wait</c>). It never
    /// raises a future's exception and never cancels anything: not on timeout, and not when the
    /// waiting task is cancelled.
    /// </summary>
    /// <typeparam name="TFuture">The futures' type (<see cref="Future"/> for mixed ones).</typeparam>
    /// <param name="futures">A non-empty collection of futures or tasks; a repeated one counts once.</param>
    /// <param name="timeout">Seconds to wait at most; null waits as long as it takes.</param>
    /// <param name="returnWhen">When to return.</param>
    /// <returns>A coroutine whose result partitions the inputs into done and pending.</returns>
    /// <exception cref="ArgumentException">The collection is empty, or <paramref name="returnWhen"/> is not a defined value (raised when awaited).</exception>
    /// <example>
    /// <code>
    /// var (done, pending) = await Asyncio.Wait([a, b, c], timeout: 1.0, returnWhen: ReturnWhen.FirstCompleted);
    /// </code>
    /// </example>
    public static async Coroutine<(IReadOnlySet<TFuture> Done, IReadOnlySet<TFuture> Pending)> Wait<TFuture>(
        IEnumerable<TFuture> futures, double? timeout = null, ReturnWhen returnWhen = ReturnWhen.AllCompleted)
        where TFuture : Future
    {
        ArgumentNullException.ThrowIfNull(futures);
        // Input order, without repeats: every later walk over the set is in that order [stricter].
        var set = new HashSet<TFuture>(ReferenceEqualityComparer.Instance);
        var inOrder = new List<TFuture>();
        foreach (var f in futures)
        {
            ArgumentNullException.ThrowIfNull(f, nameof(futures));
            if (set.Add(f)) inOrder.Add(f);
        }
        if (inOrder.Count == 0) throw new ArgumentException("Set of Tasks/Futures is empty.");
        var condition = returnWhen switch
        {
            ReturnWhen.FirstCompleted => WaitCondition.UntilFirstCompleted,
            ReturnWhen.FirstException => WaitCondition.UntilFirstException,
            ReturnWhen.AllCompleted => WaitCondition.UntilAllCompleted,
            _ => throw new ArgumentException($"Invalid return_when value: {returnWhen}"),
        };
        var loop = GetRunningLoop();
        var waiter = loop.CreateFuture<VoidResult>();
        var state = WaitStateModule.start(inOrder.Count, condition);
        TimerHandle? timer = null;

        void Release()
        {
            timer?.Cancel();
            if (!waiter.Done) waiter.SetResult(default);
        }

        [AsyncioName("_wait.<locals>._on_completion")]
        void OnDone(Future f)
        {
            var (next, decision) = WaitStateModule.childDone(f.ChildOutcome, state);
            state = next;
            if (decision.RetrieveException) f.Exception();
            if (decision.Release) Release();
        }

        if (timeout is { } seconds)
            timer = loop.CallLater(seconds, () =>
            {
                var (next, decision) = WaitStateModule.timedOut(state);
                state = next;
                if (decision.Release && !waiter.Done) waiter.SetResult(default);
            });
        Action<Future> onDone = OnDone;
        foreach (var f in inOrder) f.AddDoneCallback(onDone);
        try
        {
            await waiter;
        }
        finally
        {
            timer?.Cancel();
            foreach (var f in inOrder) f.RemoveDoneCallback(onDone);
        }
        var done = new HashSet<TFuture>(ReferenceEqualityComparer.Instance);
        var pending = new HashSet<TFuture>(ReferenceEqualityComparer.Instance);
        foreach (var f in inOrder) (f.Done ? done : pending).Add(f);
        return (done, pending);
    }
}
