using Aio.Awaiters;
using Aio.Core;

namespace Aio;

/// <summary>
/// A mutual-exclusion lock for tasks on one loop (asyncio's <c>Lock</c>). Waiters acquire it in the
/// order they started waiting; a newcomer never overtakes a waiter in line, even while a woken waiter
/// has not run yet; a waiter cancelled after being woken passes the lock on. It is not thread-safe:
/// use it from its loop's thread.
/// </summary>
/// <example>
/// <code>
/// var gate = new AsyncLock();
/// using (await gate.LockAsync())
/// {
///     await WriteRecord();   // one task at a time
/// }
/// </code>
/// </example>
public sealed class AsyncLock
{
    private LockState _state = LockStateModule.create();
    private LoopBinding _binding;
    private readonly SyncWaiters _waiters;
    private readonly SyncOperation<bool> _acquire;
    private readonly SyncOperation<Releaser> _scope;

    /// <summary>Creates an unlocked lock.</summary>
    public AsyncLock()
    {
        _waiters = new SyncWaiters(id => _state = LockStateModule.withdraw(id, _state));
        _acquire = new AcquireOperation(this);
        _scope = new ScopeOperation(this);
    }

    /// <summary>True while a task holds the lock.</summary>
    public bool Locked => _state.Locked;

    /// <summary>
    /// Acquires the lock, waiting in line if it is held or others wait; returns true. Cancelled while
    /// waiting, it raises <see cref="CancelledException"/> and does not hold the lock.
    /// </summary>
    /// <example><code>await gate.Acquire(); try { … } finally { gate.Release(); }</code></example>
    public SyncAwaitable<bool> Acquire() => new(_acquire);

    /// <summary>
    /// Acquires the lock and returns a scope whose <c>Dispose</c> releases it:
    /// <c>using (await gate.LockAsync()) { … }</c> (asyncio's <c>async with lock:</c>).
    /// </summary>
    public SyncAwaitable<Releaser> LockAsync() => new(_scope);

    /// <summary>Releases the lock and wakes the first waiter, which takes it when it runs.</summary>
    /// <exception cref="InvalidOperationException">The lock is not held (<c>Lock is not acquired.</c>), or the call comes from another thread.</exception>
    public void Release()
    {
        _binding.CheckThread();
        var result = LockStateModule.release(_state);
        if (result.IsError) throw new InvalidOperationException("Lock is not acquired.");
        var (state, woken) = result.ResultValue;
        _state = state;
        _waiters.Wake(woken);
    }

    private bool TryAcquireNow()
    {
        _binding.CheckThread();
        var (state, step) = LockStateModule.acquire(_state);
        if (step.IsAcquiredAtOnce)
        {
            _state = state;
            return true;
        }
        return false;
    }

    private async Coroutine<bool> AcquireWaiting()
    {
        var loop = _binding.Bind(this);
        var (state, step) = LockStateModule.acquire(_state);
        _state = state;
        if (step.IsAcquiredAtOnce) return true;
        var id = step.waiter;
        var waiter = _waiters.Add(loop, id);
        try
        {
            await waiter;
        }
        catch (CancelledException)
        {
            _waiters.Remove(id);
            var (left, woken) = LockStateModule.abandonedWait(id, _state);
            _state = left;
            _waiters.Wake(woken);
            throw;
        }
        _waiters.Remove(id);
        _state = LockStateModule.acquiredAfterWait(id, _state);
        return true;
    }

    /// <summary>asyncio's repr: <c>&lt;AsyncLock [locked, waiters:1]&gt;</c>, <c>&lt;AsyncLock [unlocked]&gt;</c>.</summary>
    public override string ToString()
    {
        var waiters = WaiterQueueModule.count(_state.Waiters);
        return $"<AsyncLock [{(_state.Locked ? "locked" : "unlocked")}{(waiters > 0 ? $", waiters:{waiters}" : "")}]>";
    }

    /// <summary>Releases the lock when disposed: what <see cref="LockAsync"/> returns.</summary>
    public readonly struct Releaser : IDisposable
    {
        private readonly AsyncLock? _lock;

        internal Releaser(AsyncLock owner) => _lock = owner;

        /// <summary>Releases the lock.</summary>
        public void Dispose() => _lock?.Release();
    }

    private sealed class AcquireOperation(AsyncLock owner) : SyncOperation<bool>
    {
        public override bool TryNow(out bool result) => result = owner.TryAcquireNow();

        public override Coroutine<bool> Waiting() => owner.AcquireWaiting();
    }

    private sealed class ScopeOperation(AsyncLock owner) : SyncOperation<Releaser>
    {
        public override bool TryNow(out Releaser result)
        {
            result = new Releaser(owner);
            return owner.TryAcquireNow();
        }

        public override Coroutine<Releaser> Waiting() => Scoped(owner);

        private static async Coroutine<Releaser> Scoped(AsyncLock owner)
        {
            await owner.AcquireWaiting();
            return new Releaser(owner);
        }
    }
}
