using System.Runtime.CompilerServices;

namespace Aio.Awaiters;

/// <summary>Awaits a <see cref="Future{T}"/> (or a task) inside a coroutine; returns its result.</summary>
/// <typeparam name="T">The result type.</typeparam>
public readonly struct FutureAwaiter<T> : ICriticalNotifyCompletion, ILoopAwaiter
{
    private readonly Future<T> _future;

    internal FutureAwaiter(Future<T> future) => _future = future;

    /// <summary>True when the future is done: awaiting it then does not suspend.</summary>
    /// <exception cref="InvalidOperationException">The future is pending and awaited off its loop's thread while that loop runs.</exception>
    public bool IsCompleted
    {
        get
        {
            if (_future.Done) return true;
            Suspension.CheckAwaitable(_future);
            return false;
        }
    }

    /// <summary>The result, or the exception; a cancelled task raises <see cref="CancelledException"/> here.</summary>
    public T GetResult()
    {
        Suspension.ThrowPending();
        return _future.AwaitedResult();
    }

    /// <inheritdoc />
    public void OnCompleted(Action continuation) => Suspension.SuspendOn(_future, continuation);

    /// <inheritdoc />
    public void UnsafeOnCompleted(Action continuation) => Suspension.SuspendOn(_future, continuation);

    void ILoopAwaiter.Suspend(IResumable coroutine) => Suspension.SuspendOn(_future, coroutine);
}

/// <summary>Awaits any <see cref="Future"/> without reading a typed result.</summary>
public readonly struct FutureAwaiter : ICriticalNotifyCompletion, ILoopAwaiter
{
    private readonly Future _future;

    internal FutureAwaiter(Future future) => _future = future;

    /// <summary>True when the future is done.</summary>
    /// <exception cref="InvalidOperationException">The future is pending and awaited off its loop's thread while that loop runs.</exception>
    public bool IsCompleted
    {
        get
        {
            if (_future.Done) return true;
            Suspension.CheckAwaitable(_future);
            return false;
        }
    }

    /// <summary>Returns when the future succeeded; throws its exception otherwise.</summary>
    public void GetResult()
    {
        Suspension.ThrowPending();
        _future.ThrowIfFailedAtAwait();
    }

    /// <inheritdoc />
    public void OnCompleted(Action continuation) => Suspension.SuspendOn(_future, continuation);

    /// <inheritdoc />
    public void UnsafeOnCompleted(Action continuation) => Suspension.SuspendOn(_future, continuation);

    void ILoopAwaiter.Suspend(IResumable coroutine) => Suspension.SuspendOn(_future, coroutine);
}
