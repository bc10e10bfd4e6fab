namespace Aio.Programs;

// Generated programs for the primitives' invariants (SEMANTICS §13, §17 items 40–42 and the
// semaphore, condition and barrier rules): several tasks, each an "actor" that starts after a delay,
// uses one primitive, and may be cancelled at a random time. The runner records what happened, in
// order, on a virtual-clock loop; the F# properties judge the record.

/// <summary>The primitive a <see cref="SyncPlan"/> exercises.</summary>
public enum SyncPrimitive
{
    /// <summary>AsyncLock: each actor acquires, holds, releases.</summary>
    Lock,

    /// <summary>AsyncSemaphore(capacity): each actor acquires a permit, holds, releases.</summary>
    Semaphore,

    /// <summary>AsyncBoundedSemaphore(capacity): the same, with the bound checked.</summary>
    BoundedSemaphore,

    /// <summary>AsyncQueue(capacity): actors with even index put their value, odd ones get.</summary>
    Queue,

    /// <summary>AsyncEvent: every actor waits; the event is set at <see cref="SyncPlan.SetAt"/>.</summary>
    Event,

    /// <summary>AsyncCondition: every actor waits on it; notify(capacity) at <see cref="SyncPlan.SetAt"/>, notify_all later.</summary>
    Condition,

    /// <summary>AsyncBarrier(capacity): every actor waits at the barrier.</summary>
    Barrier,
}

/// <summary>
/// One task of a plan: starts after <paramref name="Start"/> seconds, holds (or works) for <paramref name="Hold"/>,
/// and is cancelled at <paramref name="CancelAt"/> if given. A lock or semaphore holder cancels actor
/// <paramref name="CancelOnRelease"/> (if not -1) right after it releases: the waiter it just woke, often,
/// before that waiter runs.
/// </summary>
public sealed record Actor(double Start, double Hold, double? CancelAt, int Value, int CancelOnRelease = -1);

/// <summary>A generated program over one primitive.</summary>
public sealed record SyncPlan(SyncPrimitive Primitive, int Capacity, double SetAt, Actor[] Actors)
{
    /// <inheritdoc />
    public override string ToString() =>
        $"{Primitive}(capacity {Capacity}, set at {Node.D(SetAt)}): " + string.Join("; ", Actors.Select((a, i) => $"#{i} start {Node.D(a.Start)} hold {Node.D(a.Hold)} cancel {Node.D(a.CancelAt)} value {a.Value} cancels #{a.CancelOnRelease} on release"));
}

/// <summary>What an actor did, in the order it happened.</summary>
public enum SyncEventKind
{
    /// <summary>Started its request (acquire, put, get, wait).</summary>
    Requested,

    /// <summary>Got what it asked for: the lock, a permit, its item in, an item out, the event, a notification, its barrier index.</summary>
    Granted,

    /// <summary>Let go (release) after holding.</summary>
    Released,

    /// <summary>A CancelledException reached the actor's code.</summary>
    Cancelled,

    /// <summary>Any other exception reached the actor's code (a broken barrier, a refused release).</summary>
    Failed,
}

/// <summary>
/// One record: who, what, when, and what the primitive showed at that moment (holders, the semaphore's
/// value, the queue's size, whether the condition's lock is held by the actor).
/// </summary>
public sealed record SyncEvent(long Seq, double Time, int Actor, SyncEventKind Kind, int Value, int Holders, int Gauge, bool Flag)
{
    /// <inheritdoc />
    public override string ToString() => $"{Seq} t={Node.D(Time)} #{Actor} {Kind} value={Value} holders={Holders} gauge={Gauge}{(Flag ? " flag" : "")}";
}

/// <summary>The record of one run.</summary>
public sealed record SyncTrace(IReadOnlyList<SyncEvent> Events, int FinalGauge, IReadOnlyList<int> LeftInQueue, bool Finished)
{
    /// <inheritdoc />
    public override string ToString() =>
        string.Join("\n", Events) + $"\nfinal gauge {FinalGauge}; left in queue [{string.Join(", ", LeftInQueue)}]; finished {Finished}";
}

/// <summary>Runs a <see cref="SyncPlan"/> on a fresh virtual-clock loop.</summary>
public static class SyncRunner
{
    /// <summary>Runs <paramref name="plan"/> to the end (every actor done) and returns its record.</summary>
    public static SyncTrace Run(SyncPlan plan)
    {
        ArgumentNullException.ThrowIfNull(plan);
        var loop = new Loop(LoopClock.Virtual);
        var events = new List<SyncEvent>();
        var holders = 0;
        var gauge = () => 0;
        var leftInQueue = new List<int>();

        void Log(int actor, SyncEventKind kind, int value = 0, bool flag = false) =>
            events.Add(new SyncEvent(events.Count, loop.Time(), actor, kind, value, holders, gauge(), flag));

        var tasks = new List<LoopTask>();

        void CancelOnRelease(Actor a)
        {
            if (a.CancelOnRelease >= 0 && a.CancelOnRelease < tasks.Count) tasks[a.CancelOnRelease].Cancel();
        }

        Func<int, Actor, Coroutine> body;
        Action? atSetTime = null;
        Action finish = () => { };
        switch (plan.Primitive)
        {
            case SyncPrimitive.Lock:
                {
                    var l = new AsyncLock();
                    gauge = () => l.Locked ? 1 : 0;
                    body = (i, a) => HoldLock(i, a, l);
                    break;
                }
            case SyncPrimitive.Semaphore:
            case SyncPrimitive.BoundedSemaphore:
                {
                    var s = plan.Primitive == SyncPrimitive.Semaphore ? new AsyncSemaphore(plan.Capacity) : new AsyncBoundedSemaphore(plan.Capacity);
                    gauge = () => s.Value;
                    body = (i, a) => HoldPermit(i, a, s);
                    break;
                }
            case SyncPrimitive.Queue:
                {
                    var q = new AsyncQueue<int>(plan.Capacity);
                    gauge = () => q.Qsize;
                    body = (i, a) => i % 2 == 0 ? Produce(i, a, q) : Consume(i, a, q);
                    finish = () =>
                    {
                        while (!q.Empty) leftInQueue.Add(q.GetNowait());
                    };
                    break;
                }
            case SyncPrimitive.Event:
                {
                    var e = new AsyncEvent();
                    body = (i, a) => WaitEvent(i, a, e);
                    atSetTime = e.Set;
                    break;
                }
            case SyncPrimitive.Condition:
                {
                    var c = new AsyncCondition();
                    body = (i, a) => WaitCondition(i, a, c);
                    atSetTime = () => loop.CreateTask(Notify(c, plan.Capacity));
                    break;
                }
            default:
                {
                    var b = new AsyncBarrier(plan.Capacity);
                    gauge = () => b.NWaiting;
                    body = (i, a) => MeetAtBarrier(i, a, b);
                    break;
                }
        }

        async Coroutine Actor(int i, Actor a)
        {
            await Asyncio.Sleep(a.Start);
            await body(i, a);
        }

        async Coroutine HoldLock(int i, Actor a, AsyncLock l)
        {
            Log(i, SyncEventKind.Requested);
            try
            {
                using (await l.LockAsync())
                {
                    holders++;
                    Log(i, SyncEventKind.Granted);
                    try
                    {
                        await Asyncio.Sleep(a.Hold);
                    }
                    finally
                    {
                        holders--;
                        Log(i, SyncEventKind.Released);
                    }
                }
                CancelOnRelease(a);
            }
            catch (CancelledException)
            {
                Log(i, SyncEventKind.Cancelled);
            }
        }

        async Coroutine HoldPermit(int i, Actor a, AsyncSemaphore s)
        {
            Log(i, SyncEventKind.Requested);
            try
            {
                await s.Acquire();
                holders++;
                Log(i, SyncEventKind.Granted);
                try
                {
                    await Asyncio.Sleep(a.Hold);
                }
                finally
                {
                    holders--;
                    try
                    {
                        s.Release();
                        Log(i, SyncEventKind.Released);
                        CancelOnRelease(a);
                    }
                    catch (ArgumentException)
                    {
                        Log(i, SyncEventKind.Failed);
                    }
                }
            }
            catch (CancelledException)
            {
                Log(i, SyncEventKind.Cancelled);
            }
        }

        async Coroutine Produce(int i, Actor a, AsyncQueue<int> q)
        {
            Log(i, SyncEventKind.Requested, a.Value);
            try
            {
                await q.Put(a.Value);
                Log(i, SyncEventKind.Granted, a.Value);
            }
            catch (CancelledException)
            {
                Log(i, SyncEventKind.Cancelled, a.Value);
            }
        }

        async Coroutine Consume(int i, Actor a, AsyncQueue<int> q)
        {
            // Flag: the getter had to wait (the queue was empty when it asked).
            Log(i, SyncEventKind.Requested, flag: q.Empty);
            try
            {
                var item = await q.Get();
                Log(i, SyncEventKind.Granted, item);
            }
            catch (CancelledException)
            {
                Log(i, SyncEventKind.Cancelled);
            }
        }

        async Coroutine WaitEvent(int i, Actor a, AsyncEvent e)
        {
            Log(i, SyncEventKind.Requested, flag: e.IsSet);
            try
            {
                await e.Wait();
                Log(i, SyncEventKind.Granted);
            }
            catch (CancelledException)
            {
                Log(i, SyncEventKind.Cancelled);
            }
        }

        async Coroutine WaitCondition(int i, Actor a, AsyncCondition c)
        {
            try
            {
                using (await c.LockAsync())
                {
                    Log(i, SyncEventKind.Requested, flag: c.Locked);
                    try
                    {
                        await c.Wait();
                        Log(i, SyncEventKind.Granted, flag: c.Locked);
                    }
                    catch (CancelledException)
                    {
                        // Flag: the lock is held again when the cancelled wait returns.
                        Log(i, SyncEventKind.Cancelled, flag: c.Locked);
                    }
                }
            }
            catch (CancelledException)
            {
                Log(i, SyncEventKind.Cancelled, value: 1);
            }
        }

        async Coroutine Notify(AsyncCondition c, int n)
        {
            using (await c.LockAsync()) c.Notify(n);
            await Asyncio.Sleep(1);
            using (await c.LockAsync()) c.NotifyAll();
        }

        async Coroutine MeetAtBarrier(int i, Actor a, AsyncBarrier b)
        {
            Log(i, SyncEventKind.Requested);
            try
            {
                var index = await b.Wait();
                Log(i, SyncEventKind.Granted, index);
            }
            catch (CancelledException)
            {
                Log(i, SyncEventKind.Cancelled);
            }
            catch (BrokenBarrierException)
            {
                Log(i, SyncEventKind.Failed);
            }
        }

        async Coroutine Main()
        {
            for (var i = 0; i < plan.Actors.Length; i++)
            {
                var a = plan.Actors[i];
                var t = loop.CreateTask(Actor(i, a), name: $"actor-{i}");
                tasks.Add(t);
                if (a.CancelAt is { } at) loop.CallAt(at, () => t.Cancel());
            }
            if (atSetTime is not null) loop.CallAt(plan.SetAt, atSetTime);
            // A barrier left short of parties, or a getter with no item, would wait for ever: after the last
            // deadline, whoever still waits is cancelled, so that every run ends.
            var horizon = plan.SetAt + 2 + plan.Actors.Sum(a => a.Start + a.Hold + (a.CancelAt ?? 0));
            loop.CallAt(horizon, () =>
            {
                foreach (var t in tasks) t.Cancel();
            });
            foreach (var t in tasks)
            {
                try
                {
                    await t;
                }
                catch (CancelledException)
                {
                    // Cancelled before its first statement (or at the horizon); the record says which.
                }
            }
        }

        var finished = true;
        try
        {
            loop.RunUntilComplete(Main());
        }
        catch (Exception)
        {
            finished = false;
        }
        finish();
        var final = gauge();
        loop.Close();
        return new SyncTrace(events, final, leftInQueue, finished);
    }
}
