using System.Runtime.CompilerServices;

namespace Aio.Awaiters;

/// <summary>
/// <c>await Asyncio.Sleep(0)</c>: gives every other ready callback one turn and resumes in the next
/// loop iteration. No timer and no future are created.
/// </summary>
public readonly struct YieldAwaitable : ICriticalNotifyCompletion, ILoopAwaiter
{
    /// <summary>Returns itself: the awaitable is its own awaiter.</summary>
    public YieldAwaitable GetAwaiter() => this;

    /// <summary>Always false: a yield always suspends.</summary>
    public bool IsCompleted => false;

    /// <summary>Raises a cancellation delivered while yielding.</summary>
    public void GetResult() => Suspension.ThrowPending();

    /// <inheritdoc />
    public void OnCompleted(Action continuation) => Suspension.Yield(continuation);

    /// <inheritdoc />
    public void UnsafeOnCompleted(Action continuation) => Suspension.Yield(continuation);

    void ILoopAwaiter.Suspend(IResumable coroutine) => Suspension.Yield(coroutine);
}
