namespace Aio;

// A running loop's SynchronizationContext: what plain async code (an `async Task` helper a coroutine
// calls, say) continues on. Posts from the loop's thread are ordinary CallSoon callbacks; posts from
// other threads go through the thread-safe inbox, which also wakes the loop. A post to a closed loop is
// dropped, as every callback of a closed loop is.
internal sealed class LoopSynchronizationContext(Loop loop) : SynchronizationContext
{
    public Loop Loop { get; } = loop;

    public override void Post(SendOrPostCallback d, object? state)
    {
        ArgumentNullException.ThrowIfNull(d);
        if (ReferenceEquals(Loop.RunningOnThisThread, Loop)) Loop.CallSoon(() => d(state));
        else Loop.PostFromOutside(() => d(state));
    }

    // Synchronous sends run inline on the loop's thread; from another thread they would block it on
    // the loop, which may be waiting for that very thread.
    public override void Send(SendOrPostCallback d, object? state)
    {
        ArgumentNullException.ThrowIfNull(d);
        if (!ReferenceEquals(Loop.RunningOnThisThread, Loop))
            throw new InvalidOperationException("A loop's SynchronizationContext does not Send from another thread: use Post, or Loop.CallSoonThreadsafe.");
        d(state);
    }

    public override SynchronizationContext CreateCopy() => this;
}
