namespace Aio;

/// <summary>Which clock a <see cref="Loop"/> reads.</summary>
public enum LoopClock
{
    /// <summary>Real monotonic time: <c>CallLater(1, …)</c> runs about a second later.</summary>
    Monotonic,

    /// <summary>
    /// Virtual time for tests: starts at 0 and, whenever nothing is ready, jumps straight to the
    /// next timer's deadline, so an hour of sleeps runs instantly and in the same order.
    /// </summary>
    Virtual,
}
