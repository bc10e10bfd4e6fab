namespace Aio.Benchmarks.Workloads;

/// <summary>W1–W8 on Aio, written as a user would write them against the public API.</summary>
internal static class AioWorkloads
{
    public static void CallSoonBatch(int n)
    {
        using var loop = new Loop();
        var counter = new Counter();
        Action increment = counter.Increment;
        for (var i = 0; i < n; i++) loop.CallSoon(increment);
        // FIFO: the stop runs after every callback queued before it.
        loop.CallSoon(loop.Stop);
        loop.RunForever();
        Check.Equal(n, counter.Value, "W1 Aio");
    }

    public static void CallSoonChain(int n)
    {
        using var loop = new Loop();
        var chain = new Chain(loop, n);
        loop.CallSoon(chain.Step);
        loop.RunForever();
        Check.Equal(n, chain.Count, "W2 Aio");
    }

    private sealed class Chain
    {
        private readonly Loop _loop;
        private readonly int _n;
        private readonly Action _step;
        public long Count;

        public Chain(Loop loop, int n)
        {
            _loop = loop;
            _n = n;
            _step = Step;
        }

        public void Step()
        {
            if (++Count == _n) _loop.Stop();
            else _loop.CallSoon(_step);
        }
    }

    // C# warns about an async method without an await; returning at once is the point of W3.
#pragma warning disable CS1998
    private static async Coroutine<int> ReturnAtOnce() => 1;
#pragma warning restore CS1998

    // Awaits each task in creation order: W3 as specified before Aio had Gather.
    public static void Spawn(int n) => Check.Equal(n, Asyncio.Run(SpawnMain(n)), "W3 Aio");

    private static async Coroutine<long> SpawnMain(int n)
    {
        var loop = Asyncio.GetRunningLoop();
        var tasks = new LoopTask<int>[n];
        for (var i = 0; i < n; i++) tasks[i] = loop.CreateTask(ReturnAtOnce());
        long sum = 0;
        foreach (var task in tasks) sum += await task;
        return sum;
    }

    public static void SpawnGather(int n) => Check.Equal(n, Asyncio.Run(SpawnGatherMain(n)), "W3 Aio Gather");

    private static async Coroutine<long> SpawnGatherMain(int n)
    {
        var loop = Asyncio.GetRunningLoop();
        var tasks = new Future<int>[n];
        for (var i = 0; i < n; i++) tasks[i] = loop.CreateTask(ReturnAtOnce());
        long sum = 0;
        foreach (var result in await Asyncio.Gather(tasks)) sum += result;
        return sum;
    }

    public static void Yield(int n) => Check.Equal(n, Asyncio.Run(Yielder(n)), "W4 Aio");

    private static async Coroutine<int> Yielder(int n)
    {
        var i = 0;
        for (; i < n; i++) await Asyncio.Sleep(0);
        return i;
    }

    public static void PingPong(int n) => Check.Equal(n, Asyncio.Run(PingPongMain(n)), "W5 Aio");

    // Each side waits on a mailbox future that the other side completes; the receiver replaces its
    // mailbox before answering, so the next token always lands in a fresh future.
    private sealed class Court
    {
        public Future<int> ToPing = null!;
        public Future<int> ToPong = null!;
    }

    private static async Coroutine<int> PingPongMain(int n)
    {
        var loop = Asyncio.GetRunningLoop();
        var court = new Court { ToPong = loop.CreateFuture<int>() };
        var pong = loop.CreateTask(Pong(loop, court));
        var ping = loop.CreateTask(Ping(loop, court, n));
        var rounds = await ping;
        await pong;
        return rounds;
    }

    private static async Coroutine<int> Ping(Loop loop, Court court, int n)
    {
        var rounds = 0;
        for (var i = 0; i < n; i++)
        {
            var mine = loop.CreateFuture<int>();
            court.ToPing = mine;
            court.ToPong.SetResult(i);
            if (await mine == i) rounds++;
        }
        court.ToPong.SetResult(-1);
        return rounds;
    }

    private static async Coroutine Pong(Loop loop, Court court)
    {
        while (true)
        {
            var token = await court.ToPong;
            court.ToPong = loop.CreateFuture<int>();
            if (token < 0) return;
            court.ToPing.SetResult(token);
        }
    }

    public static void Timers(double[] delays, LoopClock clock) =>
        Check.Equal(delays.Length, Asyncio.Run(TimersMain(delays), clock), $"W6 Aio {clock}");

    private static async Coroutine Sleeper(double seconds) => await Asyncio.Sleep(seconds);

    private static async Coroutine<int> TimersMain(double[] delays)
    {
        var loop = Asyncio.GetRunningLoop();
        var tasks = new LoopTask[delays.Length];
        for (var i = 0; i < delays.Length; i++) tasks[i] = loop.CreateTask(Sleeper(delays[i]));
        var done = 0;
        foreach (var task in tasks)
        {
            await task;
            done++;
        }
        return done;
    }

    public static void CancelStorm(int n) => Check.Equal(n, Asyncio.Run(CancelStormMain(n)), "W7 Aio");

    private static async Coroutine<int> CancelStormMain(int n)
    {
        var loop = Asyncio.GetRunningLoop();
        var tasks = new LoopTask[n];
        for (var i = 0; i < n; i++) tasks[i] = loop.CreateTask(Sleeper(3600));
        // One iteration: every task takes its first step and parks in its sleep.
        await Asyncio.Sleep(0);
        foreach (var task in tasks) task.Cancel();
        var cancelled = 0;
        foreach (var task in tasks)
        {
            try
            {
                await task;
            }
            catch (CancelledException)
            {
                cancelled++;
            }
        }
        return cancelled;
    }

    private static async Coroutine<int> ParkOn(Future<int> never) => await never;

    /// <summary>W8: heap bytes per task parked on a future that never completes.</summary>
    public static double ParkedBytes(int n)
    {
        var loop = new Loop();
        var never = loop.CreateFuture<int>();
        var before = GC.GetTotalMemory(forceFullCollection: true);
        for (var i = 0; i < n; i++) loop.CreateTask(ParkOn(never));
        // Stop() first makes RunForever one iteration: every first step runs and parks on `never`.
        loop.Stop();
        loop.RunForever();
        var after = GC.GetTotalMemory(forceFullCollection: true);
        Check.Equal(n, Asyncio.AllTasks(loop).Count, "W8 Aio parked tasks");
        GC.KeepAlive(never);
        loop.Close();
        return (after - before) / (double)n;
    }
}
