using Aio.Core;

namespace Aio;

/// <summary>
/// A meeting point for a fixed number of tasks (asyncio's <c>Barrier</c>): each <see cref="Wait"/>s until
/// <see cref="Parties"/> tasks wait, then all go on, each with its arrival index, and the barrier refills
/// for the next round. <see cref="Reset"/> breaks the current round, <see cref="Abort"/> breaks it until
/// the next reset; a broken wait raises <see cref="BrokenBarrierException"/>. Not thread-safe.
/// </summary>
/// <example>
/// <code>
/// var start = new AsyncBarrier(3);
/// async Coroutine Runner(string name) { int index = await start.Wait(); Console.WriteLine($"{name} #{index}"); }
/// </code>
/// </example>
public sealed class AsyncBarrier
{
    // The barrier's waits go through a condition, as asyncio's do: it serialises arrivals and departures.
    private readonly AsyncCondition _condition = new();
    private BarrierState _state;

    /// <summary>Creates a barrier for <paramref name="parties"/> tasks.</summary>
    /// <exception cref="ArgumentException"><paramref name="parties"/> is less than 1 (<c>parties must be &gt; 0</c>).</exception>
    public AsyncBarrier(int parties)
    {
        var created = BarrierStateModule.create(parties);
        if (created.IsError) throw new ArgumentException(created.ErrorValue);
        _state = created.ResultValue;
    }

    /// <summary>The number of tasks a round needs.</summary>
    public int Parties => _state.Parties;

    /// <summary>The number of tasks waiting in the round that is filling.</summary>
    public int NWaiting => BarrierStateModule.waiting(_state);

    /// <summary>True after <see cref="Abort"/>, until <see cref="Reset"/>.</summary>
    public bool Broken => BarrierStateModule.isBroken(_state);

    /// <summary>
    /// Waits until <see cref="Parties"/> tasks wait, then returns this task's arrival index
    /// (0 … parties-1). A task arriving while the previous round drains waits for the next round.
    /// </summary>
    /// <exception cref="BrokenBarrierException">The barrier was aborted, or reset while this task waited.</exception>
    public async Coroutine<int> Wait()
    {
        using (await _condition.LockAsync())
        {
            await _condition.WaitFor(() => BarrierStateModule.mayEnter(_state));
            if (BarrierStateModule.isBroken(_state)) throw new BrokenBarrierException("Barrier aborted");
            try
            {
                var (state, index, last) = BarrierStateModule.arrive(_state);
                _state = state;
                if (last) _condition.NotifyAll();
                else
                {
                    await _condition.WaitFor(() => BarrierStateModule.roundOver(_state));
                    if (BarrierStateModule.waitBroke(_state)) throw new BrokenBarrierException("Abort or reset of barrier");
                }
                return index;
            }
            finally
            {
                var (left, notify) = BarrierStateModule.leave(_state);
                _state = left;
                if (notify) _condition.NotifyAll();
            }
        }
    }

    /// <summary>Breaks the current round (its waiters raise <see cref="BrokenBarrierException"/>) and re-arms the barrier.</summary>
    public async Coroutine Reset()
    {
        using (await _condition.LockAsync())
        {
            _state = BarrierStateModule.reset(_state);
            _condition.NotifyAll();
        }
    }

    /// <summary>Breaks the barrier: current and later waiters raise <see cref="BrokenBarrierException"/> until <see cref="Reset"/>.</summary>
    public async Coroutine Abort()
    {
        using (await _condition.LockAsync())
        {
            _state = BarrierStateModule.abort(_state);
            _condition.NotifyAll();
        }
    }

    /// <summary>asyncio's repr: <c>&lt;AsyncBarrier [filling, waiters:1/3]&gt;</c>.</summary>
    public override string ToString() =>
        $"<AsyncBarrier [{_state.Phase.ToString().ToLowerInvariant()}{(Broken ? "" : $", waiters:{NWaiting}/{Parties}")}]>";
}
