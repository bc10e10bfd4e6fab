using System.Runtime.CompilerServices;
using Aio.Core;

namespace Aio.Awaiters;

/// <summary>
/// What <c>Asyncio.Sleep(seconds)</c> returns. A zero or negative delay yields for exactly one
/// iteration; a positive one waits on a future that a timer completes.
/// </summary>
public readonly struct SleepAwaitable
{
    private readonly double _delay;

    internal SleepAwaitable(double delay) => _delay = delay;

    /// <summary>
    /// Starts the sleep: the timer is armed here, so the deadline counts from the await.
    /// </summary>
    /// <exception cref="InvalidOperationException">No loop is running on this thread.</exception>
    public SleepAwaiter GetAwaiter() => new(_delay);
}

/// <summary>
/// Awaits a sleep. The timer leaves the loop's queue when the sleep ends by cancellation, so a
/// cancelled sleep never keeps the loop waiting. (The compiler copies an awaiter before suspending, so
/// everything it needs is created in the constructor, never on suspension.)
/// </summary>
public readonly struct SleepAwaiter : ICriticalNotifyCompletion, ILoopAwaiter
{
    private readonly SleepFuture? _future;

    internal SleepAwaiter(double delay)
    {
        if (double.IsNaN(delay)) throw new ArgumentException("Invalid delay: NaN (not a number)");
        var plan = SleepPlanModule.decide(delay);
        if (plan.IsYieldOnce)
        {
            // Checked here, inside the awaiting method: a yield with no loop would have nowhere to resume.
            if (Loop.RunningOnThisThread is null) throw new InvalidOperationException("no running event loop");
            return;
        }
        _future = new SleepFuture(Asyncio.GetRunningLoop(), plan.seconds);
    }

    /// <summary>False: a sleep always suspends.</summary>
    public bool IsCompleted => false;

    /// <summary>Returns when the delay has passed; raises <see cref="CancelledException"/> if cancelled.</summary>
    public void GetResult()
    {
        _future?.Disarm();
        Suspension.ThrowPending();
        _future?.Result();
    }

    /// <inheritdoc />
    public void OnCompleted(Action continuation) => UnsafeOnCompleted(continuation);

    /// <inheritdoc />
    public void UnsafeOnCompleted(Action continuation)
    {
        if (_future is null) Suspension.Yield(continuation);
        else Suspension.SuspendOn(_future, continuation);
    }

    void ILoopAwaiter.Suspend(IResumable coroutine)
    {
        if (_future is null) Suspension.Yield(coroutine);
        else Suspension.SuspendOn(_future, coroutine);
    }
}
