using Aio.Core;

namespace Aio.Awaiters;

// A sleep's future, which is also the timer that completes it. asyncio's sleep makes a future and a
// TimerHandle whose callback sets its result; here they are one object, as nothing outside the sleep
// ever sees the timer: a sleeping task costs one allocation fewer (about 56 bytes), and firing the
// timer touches one object fewer. To everyone else (a task's repr, its waiter) it is a plain future.
internal sealed class SleepFuture : Future<VoidResult>, ITimerEntry
{
    // Its life as a timer, by the same rules as a TimerHandle's.
    private HandleLife _life = HandleLife.Queued;
    private readonly TimerKey _key;

    internal SleepFuture(Loop loop, double delay) : base(loop) => _key = loop.Schedule(loop.Time() + delay, this);

    bool ILoopEntry.ShouldRun => HandleState.shouldRun(_life);

    // A sleep cancelled once its timer fell due is skipped here by its own outcome, as asyncio's
    // _set_result_unless_cancelled is.
    void ILoopEntry.Run()
    {
        _life = HandleState.run(_life);
        if (!Done) SetResult(default);
    }

    void ITimerEntry.FallDue() => _life = HandleState.fallDue(_life);

    // The sleep is over, however it ended: a timer still queued leaves the queue, so that a cancelled
    // sleep never keeps the loop waiting for its deadline.
    internal void Disarm()
    {
        var (life, mustUnqueue) = HandleState.cancel(_life);
        _life = life;
        if (mustUnqueue) Loop.Unschedule(_key);
    }
}
