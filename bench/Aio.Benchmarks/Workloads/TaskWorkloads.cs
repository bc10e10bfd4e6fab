namespace Aio.Benchmarks.Workloads;

/// <summary>
/// W1–W8 for the .NET peers. The task workloads are one set of C# <c>async Task</c> methods, run
/// unchanged on the thread pool (TPL), on <see cref="Systems.SingleThreadContext"/> and on Nito's
/// AsyncContext: the scheduler underneath is the only difference. Where a task must not start
/// before its creator's next await (asyncio's lazy create_task), it begins with Task.Yield.
/// </summary>
internal static class TaskWorkloads
{
    // ---- W1 / W2 on a SynchronizationContext: Post is its call_soon ------------------------------

    public static async Task CallSoonBatchPosted(int n)
    {
        var context = SynchronizationContext.Current ?? throw new InvalidOperationException("needs a SynchronizationContext");
        var batch = new PostedBatch(n);
        for (var i = 0; i < n; i++) context.Post(PostedBatch.Increment, batch);
        await batch.Done.Task;
        Check.Equal(n, batch.Count, "W1 posted");
    }

    private sealed class PostedBatch(int n)
    {
        public static readonly SendOrPostCallback Increment = static s =>
        {
            var b = (PostedBatch)s!;
            if (++b.Count == b._n) b.Done.SetResult();
        };

        private readonly int _n = n;
        public long Count;
        public readonly TaskCompletionSource Done = new();
    }

    public static async Task CallSoonChainPosted(int n)
    {
        var context = SynchronizationContext.Current ?? throw new InvalidOperationException("needs a SynchronizationContext");
        var chain = new PostedChain(context, n);
        context.Post(PostedChain.Step, chain);
        await chain.Done.Task;
        Check.Equal(n, chain.Count, "W2 posted");
    }

    private sealed class PostedChain(SynchronizationContext context, int n)
    {
        public static readonly SendOrPostCallback Step = Run;

        private readonly SynchronizationContext _context = context;
        private readonly int _n = n;
        public long Count;
        public readonly TaskCompletionSource Done = new();

        private static void Run(object? state)
        {
            var c = (PostedChain)state!;
            if (++c.Count == c._n) c.Done.SetResult();
            else c._context.Post(Step, c);
        }
    }

    // ---- W1 / W2 on the thread pool: Task.Run is its call_soon ------------------------------------

    public static void CallSoonBatchPool(int n)
    {
        var batch = new PoolBatch(n);
        Action increment = batch.Increment;
        for (var i = 0; i < n; i++) _ = Task.Run(increment);
        batch.Done.Wait();
        Check.Equal(n, Volatile.Read(ref batch.Count), "W1 TPL");
    }

    private sealed class PoolBatch(int n)
    {
        public long Count;
        public readonly ManualResetEventSlim Done = new(false);

        // The pool runs the callbacks on every core at once, so the count must be atomic.
        public void Increment()
        {
            if (Interlocked.Increment(ref Count) == n) Done.Set();
        }
    }

    public static void CallSoonChainPool(int n)
    {
        var chain = new PoolChain(n);
        _ = Task.Run(chain.StepAction);
        chain.Done.Wait();
        Check.Equal(n, chain.Count, "W2 TPL");
    }

    private sealed class PoolChain
    {
        private readonly int _n;
        public readonly Action StepAction;
        public readonly ManualResetEventSlim Done = new(false);

        // One callback at a time, each queued by the previous: Task.Run orders the writes.
        public long Count;

        public PoolChain(int n)
        {
            _n = n;
            StepAction = Step;
        }

        private void Step()
        {
            if (++Count == _n) Done.Set();
            else _ = Task.Run(StepAction);
        }
    }

    // ---- W3–W8: the same async methods on every peer --------------------------------------------

    private static async Task<int> ReturnAfterYield()
    {
        await Task.Yield();
        return 1;
    }

    public static async Task Spawn(int n)
    {
        var tasks = new Task<int>[n];
        for (var i = 0; i < n; i++) tasks[i] = ReturnAfterYield();
        long sum = 0;
        foreach (var result in await Task.WhenAll(tasks)) sum += result;
        Check.Equal(n, sum, "W3");
    }

    public static async Task Yield(int n)
    {
        var i = 0;
        for (; i < n; i++) await Task.Yield();
        Check.Equal(n, i, "W4");
    }

    // Completions run their continuations through the scheduler, as a future's callbacks go through
    // call_soon; inline continuations would make the two sides one call stack.
    private static TaskCompletionSource<int> Mailbox() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private sealed class Court
    {
        public TaskCompletionSource<int> ToPing = null!;
        public TaskCompletionSource<int> ToPong = null!;
    }

    public static async Task PingPong(int n)
    {
        var court = new Court { ToPong = Mailbox() };
        var pong = Pong(court);
        var rounds = await Ping(court, n);
        await pong;
        Check.Equal(n, rounds, "W5");
    }

    private static async Task<int> Ping(Court court, int n)
    {
        var rounds = 0;
        for (var i = 0; i < n; i++)
        {
            var mine = Mailbox();
            court.ToPing = mine;
            court.ToPong.SetResult(i);
            if (await mine.Task == i) rounds++;
        }
        court.ToPong.SetResult(-1);
        return rounds;
    }

    private static async Task Pong(Court court)
    {
        while (true)
        {
            var token = await court.ToPong.Task;
            court.ToPong = Mailbox();
            if (token < 0) return;
            court.ToPing.SetResult(token);
        }
    }

    private static async Task Sleeper(TimeSpan delay) => await Task.Delay(delay);

    public static async Task Timers(double[] delays)
    {
        var tasks = new Task[delays.Length];
        for (var i = 0; i < delays.Length; i++) tasks[i] = Sleeper(TimeSpan.FromSeconds(delays[i]));
        await Task.WhenAll(tasks);
    }

    private static async Task ParkCancellable(CancellationToken token) => await Task.Delay(TimeSpan.FromHours(1), token);

    // asyncio cancels each task on its own, so each task here has its own CancellationTokenSource.
    public static async Task CancelStorm(int n)
    {
        var sources = new CancellationTokenSource[n];
        var tasks = new Task[n];
        for (var i = 0; i < n; i++)
        {
            sources[i] = new CancellationTokenSource();
            tasks[i] = ParkCancellable(sources[i].Token);
        }
        foreach (var source in sources) source.Cancel();
        var cancelled = 0;
        for (var i = 0; i < n; i++)
        {
            try
            {
                await tasks[i];
            }
            catch (OperationCanceledException)
            {
                cancelled++;
            }
            sources[i].Dispose();
        }
        Check.Equal(n, cancelled, "W7");
    }

    private static async Task ParkOn(Task never) => await never;

    /// <summary>W8: heap bytes per task parked on a task that never completes.</summary>
    public static Task<double> ParkedBytes(int n)
    {
        var never = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously).Task;
        var before = GC.GetTotalMemory(forceFullCollection: true);
        // Each call runs to its await and parks there: the continuation is what keeps it alive.
        for (var i = 0; i < n; i++) _ = ParkOn(never);
        var after = GC.GetTotalMemory(forceFullCollection: true);
        GC.KeepAlive(never);
        return Task.FromResult((after - before) / (double)n);
    }
}
