using Aio.Awaiters;
using Aio.Core;

namespace Aio;

/// <summary>
/// A counter of permits for tasks on one loop (asyncio's <c>Semaphore</c>): <see cref="Acquire"/> takes a
/// permit or waits in line for one, <see cref="Release"/> gives one back. Waiters are served in the order
/// they started waiting; a newcomer queues behind them even when a permit is free; a waiter cancelled
/// after being woken hands its permit to the next. Not thread-safe: use it from its loop's thread.
/// </summary>
/// <example>
/// <code>
/// var five = new AsyncSemaphore(5);
/// async Coroutine&lt;string&gt; Limited(string url)
/// {
///     using (await five.WaitAsync()) return await Fetch(url);   // at most 5 at a time
/// }
/// </code>
/// </example>
public class AsyncSemaphore
{
    private SemaphoreState _state;
    private LoopBinding _binding;
    private readonly SyncWaiters _waiters;
    private readonly SyncOperation<bool> _acquire;
    private readonly SyncOperation<Releaser> _scope;

    /// <summary>Creates a semaphore with <paramref name="value"/> permits.</summary>
    /// <param name="value">The initial number of permits.</param>
    /// <exception cref="ArgumentException"><paramref name="value"/> is negative (<c>Semaphore initial value must be &gt;= 0</c>).</exception>
    public AsyncSemaphore(int value = 1) : this(value, bounded: false) { }

    private protected AsyncSemaphore(int value, bool bounded)
    {
        var created = SemaphoreStateModule.create(value, bounded);
        if (created.IsError) throw new ArgumentException(SemaphoreStateModule.misuseMessage(created.ErrorValue));
        _state = created.ResultValue;
        _waiters = new SyncWaiters(id => _state = SemaphoreStateModule.withdraw(id, _state));
        _acquire = new AcquireOperation(this);
        _scope = new ScopeOperation(this);
    }

    /// <summary>True when <see cref="Acquire"/> would wait: no permit is free, or tasks wait in line.</summary>
    public bool Locked => SemaphoreStateModule.locked(_state);

    /// <summary>The number of free permits (asyncio's <c>_value</c>; permits reserved for woken waiters are not free).</summary>
    public int Value => _state.Value;

    /// <summary>Takes a permit, waiting in line if none is free or others wait; returns true.</summary>
    /// <example><code>await sem.Acquire(); try { … } finally { sem.Release(); }</code></example>
    public SyncAwaitable<bool> Acquire() => new(_acquire);

    /// <summary>Takes a permit and returns a scope whose <c>Dispose</c> gives it back (<c>async with sem:</c>).</summary>
    public SyncAwaitable<Releaser> WaitAsync() => new(_scope);

    /// <summary>Gives a permit back and wakes the first waiter, which takes it when it runs.</summary>
    /// <exception cref="ArgumentException">A bounded semaphore would exceed its initial value.</exception>
    /// <exception cref="InvalidOperationException">The call comes from another thread while the loop runs.</exception>
    public void Release()
    {
        _binding.CheckThread();
        var result = SemaphoreStateModule.release(_state);
        if (result.IsError) throw new ArgumentException(SemaphoreStateModule.misuseMessage(result.ErrorValue));
        var (state, woken) = result.ResultValue;
        _state = state;
        _waiters.Wake(woken);
    }

    private bool TryAcquireNow()
    {
        _binding.CheckThread();
        var (state, step) = SemaphoreStateModule.acquire(_state);
        if (!step.IsAcquiredAtOnce) return false;
        _state = state;
        return true;
    }

    private async Coroutine<bool> AcquireWaiting()
    {
        var loop = _binding.Bind(this);
        var (state, step) = SemaphoreStateModule.acquire(_state);
        _state = state;
        if (step.IsAcquiredAtOnce) return true;
        var id = step.waiter;
        var waiter = _waiters.Add(loop, id);
        var cancelled = false;
        try
        {
            await waiter;
        }
        catch (CancelledException)
        {
            cancelled = true;
            throw;
        }
        finally
        {
            _waiters.Remove(id);
            var (left, woken) = SemaphoreStateModule.waitEnded(id, cancelled, _state);
            _state = left;
            _waiters.Wake(woken);
        }
        return true;
    }

    /// <summary>asyncio's repr: <c>&lt;AsyncSemaphore [unlocked, value:2]&gt;</c>, <c>&lt;AsyncSemaphore [locked, waiters:1]&gt;</c>.</summary>
    public override string ToString()
    {
        var waiters = WaiterQueueModule.count(_state.Waiters);
        var extra = Locked ? "locked" : $"unlocked, value:{_state.Value}";
        return $"<{GetType().Name} [{extra}{(waiters > 0 ? $", waiters:{waiters}" : "")}]>";
    }

    /// <summary>Gives the permit back when disposed: what <see cref="WaitAsync"/> returns.</summary>
    public readonly struct Releaser : IDisposable
    {
        private readonly AsyncSemaphore? _semaphore;

        internal Releaser(AsyncSemaphore owner) => _semaphore = owner;

        /// <summary>Releases the permit.</summary>
        public void Dispose() => _semaphore?.Release();
    }

    private sealed class AcquireOperation(AsyncSemaphore owner) : SyncOperation<bool>
    {
        public override bool TryNow(out bool result) => result = owner.TryAcquireNow();

        public override Coroutine<bool> Waiting() => owner.AcquireWaiting();
    }

    private sealed class ScopeOperation(AsyncSemaphore owner) : SyncOperation<Releaser>
    {
        public override bool TryNow(out Releaser result)
        {
            result = new Releaser(owner);
            return owner.TryAcquireNow();
        }

        public override Coroutine<Releaser> Waiting() => Scoped(owner);

        private static async Coroutine<Releaser> Scoped(AsyncSemaphore owner)
        {
            await owner.AcquireWaiting();
            return new Releaser(owner);
        }
    }
}

/// <summary>
/// A semaphore that refuses to be released above its initial value (asyncio's <c>BoundedSemaphore</c>),
/// which catches a release without a matching acquire.
/// </summary>
/// <example><code>var pool = new AsyncBoundedSemaphore(3);</code></example>
public sealed class AsyncBoundedSemaphore : AsyncSemaphore
{
    /// <summary>Creates a bounded semaphore with <paramref name="value"/> permits.</summary>
    /// <exception cref="ArgumentException"><paramref name="value"/> is negative.</exception>
    public AsyncBoundedSemaphore(int value = 1) : base(value, bounded: true) { }
}
