using System.Runtime.CompilerServices;

namespace Aio.Awaiters;

/// <summary>
/// What the primitives' acquire, get and put return: awaiting it first tries the operation at once
/// (an uncontended lock, a queue with an item), which neither suspends nor allocates; only when it must
/// wait does it run a coroutine that waits in the primitive's line. Like a coroutine, it does nothing
/// until awaited.
/// </summary>
/// <typeparam name="T">What the await returns.</typeparam>
public readonly struct SyncAwaitable<T>
{
    private readonly SyncOperation<T> _operation;

    internal SyncAwaitable(SyncOperation<T> operation) => _operation = operation;

    /// <summary>The awaiter; see <see cref="SyncAwaiter{T}"/>.</summary>
    public SyncAwaiter<T> GetAwaiter() => new(_operation);
}

/// <summary>Awaits a <see cref="SyncAwaitable{T}"/> inside a coroutine.</summary>
/// <typeparam name="T">What the await returns.</typeparam>
public struct SyncAwaiter<T> : ICriticalNotifyCompletion, ILoopAwaiter
{
    private readonly SyncOperation<T> _operation;
    private T _result;
    private Coroutine<T>? _waiting;

    internal SyncAwaiter(SyncOperation<T> operation)
    {
        _operation = operation;
        _result = default!;
        _waiting = null;
    }

    /// <summary>
    /// Tries the operation at once; when it must wait, starts the coroutine that waits in line (inline,
    /// in the current task) and tells whether that already finished.
    /// </summary>
    public bool IsCompleted
    {
        get
        {
            if (_operation.TryNow(out _result)) return true;
            _waiting = _operation.Waiting();
            return _waiting.GetAwaiter().IsCompleted;
        }
    }

    /// <summary>The operation's result, or its exception (a cancellation while waiting, say).</summary>
    public T GetResult() => _waiting is null ? _result : _waiting.GetAwaiter().GetResult();

    /// <inheritdoc />
    public void OnCompleted(Action continuation) => _waiting!.GetAwaiter().OnCompleted(continuation);

    /// <inheritdoc />
    public void UnsafeOnCompleted(Action continuation) => _waiting!.GetAwaiter().UnsafeOnCompleted(continuation);

    void ILoopAwaiter.Suspend(IResumable coroutine) => ((ILoopAwaiter)_waiting!.GetAwaiter()).Suspend(coroutine);
}

// One operation of one primitive (a lock's acquire, a queue's get): the fast path that neither waits
// nor allocates, and the coroutine that waits in line when it cannot complete at once. One instance per
// primitive and operation, made with the primitive.
internal abstract class SyncOperation<T>
{
    public abstract bool TryNow(out T result);

    public abstract Coroutine<T> Waiting();
}
