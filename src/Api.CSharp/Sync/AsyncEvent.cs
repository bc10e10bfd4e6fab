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
    private readonly LinkedList<Future<bool>> _waiters = new();
    private Loop? _loop;
    private bool _value;

    /// <summary>True between <see cref="Set"/> and <see cref="Clear"/> (asyncio's <c>is_set()</c>).</summary>
    public bool IsSet => _value;

    /// <summary>Sets the flag and wakes every waiter, in waiting order. Does nothing if already set.</summary>
    public void Set()
    {
        if (_value) return;
        _value = true;
        foreach (var waiter in _waiters)
            if (!waiter.Done) waiter.SetResult(true);
    }

    /// <summary>Clears the flag: later <see cref="Wait"/> calls suspend until the next <see cref="Set"/>.</summary>
    public void Clear() => _value = false;

    /// <summary>
    /// Waits until the flag is set and returns true. Returns at once, without suspending, if it
    /// is set already.
    /// </summary>
    /// <exception cref="InvalidOperationException">No loop is running, or the event is bound to another loop.</exception>
    public async Coroutine<bool> Wait()
    {
        if (_value) return true;
        var waiter = BoundLoop().CreateFuture<bool>();
        var node = _waiters.AddLast(waiter);
        try
        {
            await waiter;
            return true;
        }
        finally
        {
            _waiters.Remove(node);
        }
    }

    private Loop BoundLoop()
    {
        var loop = Asyncio.GetRunningLoop();
        _loop ??= loop;
        if (!ReferenceEquals(loop, _loop)) throw new InvalidOperationException($"{this} is bound to a different event loop");
        return loop;
    }

    /// <summary>asyncio's repr: <c>&lt;AsyncEvent [set]&gt;</c>, <c>&lt;AsyncEvent [unset, waiters:2]&gt;</c>.</summary>
    public override string ToString() =>
        $"<AsyncEvent [{(_value ? "set" : "unset")}{(_waiters.Count > 0 ? $", waiters:{_waiters.Count}" : "")}]>";
}
