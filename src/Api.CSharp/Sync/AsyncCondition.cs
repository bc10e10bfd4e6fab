using System.Runtime.ExceptionServices;
using Aio.Core;

namespace Aio;

/// <summary>
/// A condition variable for tasks on one loop (asyncio's <c>Condition</c>): with its lock held, a task
/// <see cref="Wait"/>s for another to <see cref="Notify"/>. Waiting releases the lock, and the lock is
/// held again when <see cref="Wait"/> returns — also when it raises <see cref="CancelledException"/>.
/// Not thread-safe: use it from its loop's thread.
/// </summary>
/// <example>
/// <code>
/// var cond = new AsyncCondition();
/// using (await cond.LockAsync())
/// {
///     await cond.WaitFor(() => items.Count > 0);
///     var item = items.Dequeue();
/// }
/// </code>
/// </example>
public sealed class AsyncCondition
{
    private readonly AsyncLock _lock;
    private ConditionState _state = ConditionStateModule.create();
    private LoopBinding _binding;
    private readonly SyncWaiters _waiters;

    /// <summary>Creates a condition over <paramref name="lock"/>, or over a new lock of its own.</summary>
    /// <param name="lock">The lock to share, or null.</param>
    public AsyncCondition(AsyncLock? @lock = null)
    {
        _lock = @lock ?? new AsyncLock();
        _waiters = new SyncWaiters(id => _state = ConditionStateModule.withdraw(id, _state));
    }

    /// <summary>True while a task holds the lock.</summary>
    public bool Locked => _lock.Locked;

    /// <summary>Acquires the underlying lock; see <see cref="AsyncLock.Acquire"/>.</summary>
    public Awaiters.SyncAwaitable<bool> Acquire() => _lock.Acquire();

    /// <summary>Acquires the underlying lock as a scope; see <see cref="AsyncLock.LockAsync"/>.</summary>
    public Awaiters.SyncAwaitable<AsyncLock.Releaser> LockAsync() => _lock.LockAsync();

    /// <summary>Releases the underlying lock; see <see cref="AsyncLock.Release"/>.</summary>
    public void Release() => _lock.Release();

    /// <summary>
    /// Releases the lock, waits until notified, then re-acquires the lock and returns true. If it is
    /// cancelled, the lock is still re-acquired before <see cref="CancelledException"/> leaves it.
    /// </summary>
    /// <exception cref="InvalidOperationException">The lock is not held (<c>cannot wait on un-acquired lock</c>).</exception>
    public async Coroutine<bool> Wait()
    {
        _binding.CheckThread();
        var started = ConditionStateModule.startWait(_lock.Locked, _state);
        if (started.IsError) throw new InvalidOperationException(ConditionStateModule.misuseMessage(started.ErrorValue));
        var (state, id) = started.ResultValue;
        _state = state;
        var loop = _binding.Bind(this);
        _lock.Release();
        try
        {
            try
            {
                var waiter = _waiters.Add(loop, id);
                try
                {
                    await waiter;
                    return true;
                }
                finally
                {
                    _waiters.Remove(id);
                    _state = ConditionStateModule.waitEnded(id, _state);
                }
            }
            finally
            {
                // The lock comes back whatever happened; a cancellation meanwhile is raised after.
                CancelledException? cancelled = null;
                while (true)
                {
                    try
                    {
                        await _lock.Acquire();
                        break;
                    }
                    catch (CancelledException e)
                    {
                        cancelled = e;
                    }
                }
                if (cancelled is not null) ExceptionDispatchInfo.Throw(cancelled);
            }
        }
        catch (Exception)
        {
            // This wait may have consumed a notification: another waiter gets it instead.
            var (next, woken) = ConditionStateModule.passOnAfterFailure(_state);
            _state = next;
            _waiters.Wake(woken);
            throw;
        }
    }

    /// <summary>
    /// Waits until <paramref name="predicate"/> is true: checks it first (returning at once, without
    /// suspending, when it already holds), then after every notification.
    /// </summary>
    /// <param name="predicate">Checked with the lock held.</param>
    public async Coroutine<bool> WaitFor(Func<bool> predicate)
    {
        ArgumentNullException.ThrowIfNull(predicate);
        var result = predicate();
        while (!result)
        {
            await Wait();
            result = predicate();
        }
        return result;
    }

    /// <summary>Wakes the first <paramref name="n"/> waiters, in waiting order.</summary>
    /// <exception cref="InvalidOperationException">The lock is not held (<c>cannot notify on un-acquired lock</c>).</exception>
    public void Notify(int n = 1)
    {
        _binding.CheckThread();
        var result = ConditionStateModule.notify(n, _lock.Locked, _state);
        if (result.IsError) throw new InvalidOperationException(ConditionStateModule.misuseMessage(result.ErrorValue));
        _state = result.ResultValue.Item1;
        _waiters.Wake(result.ResultValue.Item2);
    }

    /// <summary>Wakes every waiter, in waiting order.</summary>
    /// <exception cref="InvalidOperationException">The lock is not held.</exception>
    public void NotifyAll()
    {
        _binding.CheckThread();
        var result = ConditionStateModule.notifyAll(_lock.Locked, _state);
        if (result.IsError) throw new InvalidOperationException(ConditionStateModule.misuseMessage(result.ErrorValue));
        _state = result.ResultValue.Item1;
        _waiters.Wake(result.ResultValue.Item2);
    }

    /// <summary>asyncio's repr: <c>&lt;AsyncCondition [locked, waiters:2]&gt;</c>.</summary>
    public override string ToString()
    {
        var waiters = WaiterQueueModule.count(_state.Waiters);
        return $"<AsyncCondition [{(Locked ? "locked" : "unlocked")}{(waiters > 0 ? $", waiters:{waiters}" : "")}]>";
    }
}
