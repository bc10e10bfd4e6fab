using Aio.Core;

namespace Aio;

/// <summary>
/// A flag that tasks can wait for (asyncio's <c>Event</c>). <see cref="Set"/> wakes every waiting
/// task, in the order they started waiting; <see cref="Wait"/> on a set event returns at once, without
/// suspending; <see cref="Clear"/> re-arms it. The event binds to the loop that first waits on it and
/// is used from that loop's thread only.
/// </summary>
/// <example>
/// <code>
/// var ready = new AsyncEvent();
/// async Coroutine Consumer() { await ready.Wait(); Console.WriteLine("go"); }
/// var task = Asyncio.CreateTask(Consumer());
/// await Asyncio.Sleep(0);
/// ready.Set();
/// </code>
/// </example>
public sealed class AsyncEvent
{
    private EventState _state = EventStateModule.create();
    private LoopBinding _binding;
    private readonly SyncWaiters _waiters;

    /// <summary>Creates an event that is not set.</summary>
    public AsyncEvent() => _waiters = new SyncWaiters(id => _state = EventStateModule.withdraw(id, _state));

    /// <summary>True between <see cref="Set"/> and <see cref="Clear"/> (asyncio's <c>is_set()</c>).</summary>
    public bool IsSet => _state.IsSet;

    /// <summary>Sets the flag and wakes every waiter, in waiting order. Does nothing if already set.</summary>
    /// <exception cref="InvalidOperationException">Called from another thread while the event's loop runs.</exception>
    public void Set()
    {
        _binding.CheckThread();
        var (state, woken) = EventStateModule.set(_state);
        _state = state;
        _waiters.Wake(woken);
    }

    /// <summary>Clears the flag: later <see cref="Wait"/> calls suspend until the next <see cref="Set"/>.</summary>
    public void Clear()
    {
        _binding.CheckThread();
        _state = EventStateModule.clear(_state);
    }

    /// <summary>
    /// Waits until the flag is set and returns true. Returns at once, without suspending, if it
    /// is set already.
    /// </summary>
    /// <exception cref="InvalidOperationException">No loop is running, or the event is bound to another loop.</exception>
    public async Coroutine<bool> Wait()
    {
        var (state, waiting) = EventStateModule.startWait(_state);
        if (waiting.IsNone) return true;
        var loop = _binding.Bind(this);
        _state = state;
        var id = waiting.Value;
        var waiter = _waiters.Add(loop, id);
        try
        {
            await waiter;
            return true;
        }
        finally
        {
            _waiters.Remove(id);
            _state = EventStateModule.waitEnded(id, _state);
        }
    }

    /// <summary>asyncio's repr: <c>&lt;AsyncEvent [set]&gt;</c>, <c>&lt;AsyncEvent [unset, waiters:2]&gt;</c>.</summary>
    public override string ToString()
    {
        var waiters = WaiterQueueModule.count(_state.Waiters);
        return $"<AsyncEvent [{(_state.IsSet ? "set" : "unset")}{(waiters > 0 ? $", waiters:{waiters}" : "")}]>";
    }
}
