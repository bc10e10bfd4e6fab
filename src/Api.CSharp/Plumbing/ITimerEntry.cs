namespace Aio;

// What the timer queue holds: a TimerHandle, or a sleep's future, which is its own timer. When it falls
// due it moves to the ready queue, where it runs as any entry does; from then on cancelling it only
// skips it there.
internal interface ITimerEntry : ILoopEntry
{
    void FallDue();
}
