using System.Collections.Concurrent;
using Xunit;

namespace Aio.Examples;

/// <summary>
/// Aio inside a .NET app: plain async code on the loop, the thread rules, the TPL bridges both ways,
/// and the CancellationToken bridge.
/// </summary>
public class InteropTests
{
    private static async Task<int> PlusOne(LoopTask<int> t) => await t + 1;

    private static async Task<int> SleepThenTwo()
    {
        await Asyncio.Sleep(0.01);
        await Asyncio.Sleep(0);
        return 2;
    }

    private static async Task<int> FromFuture(Future<int> f) => await f * 10;

    [Fact]
    public void PlainAsyncHelper_AwaitingLoopAwaitablesFromACoroutine_Completes()
    {
        async Coroutine<int> Main()
        {
            var loop = Asyncio.GetRunningLoop();
            var w = Asyncio.CreateTask(Asyncio.Sleep(0.01, 41));
            var f = loop.CreateFuture<int>();
            loop.CallLater(0.02, () => f.SetResult(3));
            return await PlusOne(w) + await SleepThenTwo() + await FromFuture(f);
        }

        Assert.Equal(42 + 2 + 30, Asyncio.Run(Main(), LoopClock.Virtual));
    }

    [Fact]
    public void PlainAsyncHelper_StartedFromACallback_ContinuesOnTheLoopThread()
    {
        var loop = new Loop(LoopClock.Virtual);
        var loopThread = Environment.CurrentManagedThreadId;
        var seen = new List<string>();

        async Task Helper()
        {
            await Task.Yield();   // posts to the running loop's SynchronizationContext
            seen.Add($"after Task.Yield on the loop thread: {Environment.CurrentManagedThreadId == loopThread}");
            await Asyncio.Sleep(0.01);
            seen.Add($"after Sleep, loop time {loop.Time():0.00}");
            loop.Stop();
        }

        loop.CallSoon(() => _ = Helper());
        loop.RunForever();
        loop.Close();
        Assert.Equal(["after Task.Yield on the loop thread: True", "after Sleep, loop time 0.01"], seen);
    }

    [Fact]
    public void LoopAwaitable_AwaitedOffTheLoopThreadWhileItRuns_ThrowsAtOnceNamingAsTask()
    {
        var loop = new Loop(LoopClock.Virtual);
        var f = loop.CreateFuture<int>();
        Exception? seen = null;

        async Task OffThread() => await f;

        loop.CallSoon(() =>
        {
            var t = Task.Run(OffThread);
            try
            {
                t.Wait();
            }
            catch (AggregateException e)
            {
                seen = e.InnerException;
            }
        });
        loop.CallSoon(loop.Stop);
        loop.RunForever();
        loop.Close();
        var error = Assert.IsType<InvalidOperationException>(seen);
        Assert.Contains("AsTask()", error.Message);
    }

    [Fact]
    public void FutureMembers_FromAnotherThreadWhileTheLoopRuns_ThrowNamingCallSoonThreadsafeAndChangeNothing()
    {
        var loop = new Loop(LoopClock.Virtual);
        var f = loop.CreateFuture<int>();
        var errors = new List<string>();
        loop.CallSoon(() =>
        {
            var other = new Thread(() =>
            {
                foreach (var attempt in new Action[] { () => f.SetResult(1), () => f.SetException(new KeyNotFoundException()), () => f.Cancel(), () => f.AddDoneCallback(_ => { }), () => f.RemoveDoneCallback(_ => { }), () => loop.CreateFuture<int>(), () => loop.CreateTask(Asyncio.Sleep(0, 1)) })
                {
                    try
                    {
                        attempt();
                        errors.Add("accepted");
                    }
                    catch (InvalidOperationException e)
                    {
                        errors.Add(e.Message.Contains("CallSoonThreadsafe") ? "refused" : e.Message);
                    }
                }
            });
            other.Start();
            other.Join();
            loop.Stop();
        });
        loop.RunForever();
        Assert.Equal(Enumerable.Repeat("refused", 7), errors);
        Assert.False(f.Done);
        loop.Close();
    }

    [Fact]
    public void Stop_FromAnotherThreadWhileTheLoopWaitsForATimer_WakesIt()
    {
        var loop = new Loop();
        var fired = false;
        loop.CallLater(30, () => fired = true);
        var stopper = new Thread(() =>
        {
            Thread.Sleep(50);
            loop.Stop();
        });
        var clock = System.Diagnostics.Stopwatch.StartNew();
        stopper.Start();
        loop.RunForever();
        stopper.Join();
        // Bounded far below the timer: the loop returned because it was woken, not because the timer fired.
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"RunForever returned after {clock.Elapsed}");
        Assert.False(fired);
        loop.Close();
    }

    // A loop waiting for an hour-long timer wakes for a thread-safe submission: the callback runs long
    // before the timer (the bound only keeps a broken wake-up from hanging the suite).
    [Fact]
    public void CallSoonThreadsafe_IntoALoopWaitingOnAFarTimer_WakesItAtOnce()
    {
        var loop = new Loop();
        var log = new List<string>();
        loop.CallLater(3600, () => log.Add("timer"));
        var runner = new Thread(() => loop.RunForever());
        runner.Start();
        while (!loop.IsRunning) Thread.Sleep(1);
        Thread.Sleep(50);
        loop.CallSoonThreadsafe(() =>
        {
            log.Add("from another thread");
            loop.Stop();
        });
        Assert.True(runner.Join(TimeSpan.FromSeconds(30)), "the loop did not wake for CallSoonThreadsafe");
        Assert.Equal(["from another thread"], log);
        loop.Close();
    }

    [Fact]
    public void CallSoonThreadsafe_EightThreadsStorm_LosesNothingAndKeepsEachThreadsOrder()
    {
        // 8 × 20,000 in the normal run; `dotnet fsi build.fsx soak` (AIO_PROPERTY_SCALE=100) runs 8 × 1,000,000.
        const int threads = 8;
        var each = int.TryParse(Environment.GetEnvironmentVariable("AIO_PROPERTY_SCALE"), out var scale) && scale >= 100 ? 1_000_000 : 20_000;
        var loop = new Loop();
        var seen = new List<(int Thread, int Index)>();
        var remaining = threads * each;
        var go = new ManualResetEventSlim();
        var workers = Enumerable.Range(0, threads).Select(t => new Thread(() =>
        {
            go.Wait();
            for (var i = 0; i < each; i++)
            {
                var index = i;
                loop.CallSoonThreadsafe(() =>
                {
                    seen.Add((t, index));
                    if (--remaining == 0) loop.Stop();
                });
            }
        })).ToList();
        foreach (var w in workers) w.Start();
        loop.CallSoon(go.Set);
        loop.RunForever();
        foreach (var w in workers) w.Join();
        loop.Close();
        Assert.Equal(threads * each, seen.Count);
        foreach (var group in seen.GroupBy(s => s.Thread))
            Assert.Equal(Enumerable.Range(0, each), group.Select(s => s.Index));
    }

    [Fact]
    public async Task AsTask_ResultExceptionAndCancellation_ReachTheTplTask()
    {
        var loop = new Loop(LoopClock.Virtual);

        async Coroutine<int> Ok()
        {
            await Asyncio.Sleep(1);
            return 7;
        }

        async Coroutine<int> Bad()
        {
            await Asyncio.Sleep(1);
            throw new KeyNotFoundException("missing");
        }

        var ok = loop.CreateTask(Ok()).AsTask();
        var bad = loop.CreateTask(Bad()).AsTask();
        var cancelled = loop.CreateTask(Ok());
        var cancelledTask = cancelled.AsTask();
        loop.CallSoon(() => cancelled.Cancel());
        loop.RunUntilComplete(loop.CreateTask(Asyncio.Sleep(2, 0)));
        loop.Close();
        Assert.Equal(7, await ok);
        Assert.Equal("missing", (await Assert.ThrowsAsync<KeyNotFoundException>(() => bad)).Message);
        Assert.True(cancelledTask.IsCanceled);
    }

    [Fact]
    public async Task RunCoroutineThreadsafe_FromAnotherThread_ReturnsTheCoroutinesResult()
    {
        var loop = new Loop();

        async Coroutine<string> OnLoop()
        {
            await Asyncio.Sleep(0);
            return $"ran on the loop thread: {Asyncio.GetRunningLoop() == loop}";
        }

        var runner = new Thread(loop.RunForever);
        runner.Start();
        var answer = await Task.Run(() => Asyncio.RunCoroutineThreadsafe(OnLoop(), loop));
        loop.Stop();
        runner.Join();
        loop.Close();
        Assert.Equal("ran on the loop thread: True", answer);
    }

    // asyncio's run_coroutine_threadsafe returns a future whose cancel() cancels the loop task; here the
    // caller's token does, and the coroutine cleans up at its await before the TPL task ends cancelled.
    [Fact]
    public async Task RunCoroutineThreadsafe_TokenCancelledByTheCaller_CancelsTheLoopTaskAtItsAwait()
    {
        var loop = new Loop();
        var cleanedUp = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        async Coroutine<int> Forever()
        {
            try
            {
                started.SetResult();
                await Asyncio.Sleep(3600);
                return 1;
            }
            catch (CancelledException)
            {
                cleanedUp.SetResult($"cleaned up on the loop thread: {Asyncio.GetRunningLoop() == loop}");
                throw;
            }
        }

        var runner = new Thread(loop.RunForever);
        runner.Start();
        using var stop = new CancellationTokenSource();
        var submitted = Asyncio.RunCoroutineThreadsafe(Forever(), loop, stop.Token);
        await started.Task;
        stop.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => submitted);
        Assert.True(submitted.IsCanceled);
        Assert.Equal("cleaned up on the loop thread: True", await cleanedUp.Task);
        loop.Stop();
        runner.Join();
        loop.Close();
    }

    [Fact]
    public void WrapTask_AwaitedAndTheTaskCancelled_CancelledAtTheAwaitWithoutWaitingForTheTplTask()
    {
        var loop = new Loop();
        var gate = new TaskCompletionSource<int>();
        var events = new List<string>();

        async Coroutine<int> Waiter()
        {
            try
            {
                return await Asyncio.WrapTask(gate.Task);
            }
            catch (CancelledException)
            {
                events.Add("cancelled at the await");
                throw;
            }
        }

        async Coroutine Main()
        {
            var t = Asyncio.CreateTask(Waiter());
            await Asyncio.Sleep(0);
            t.Cancel();
            try
            {
                await t;
            }
            catch (CancelledException)
            {
                events.Add($"task cancelled = {t.Cancelled}; TPL task still running = {!gate.Task.IsCompleted}");
            }
        }

        loop.RunUntilComplete(Main());
        gate.SetResult(1);
        loop.Close();
        Assert.Equal(["cancelled at the await", "task cancelled = True; TPL task still running = True"], events);
    }

    [Fact]
    public void AwaitOfATplTask_TheLoopTaskCancelled_RaisesAtThatAwaitInTheNextIterationWithoutWaitingForIt()
    {
        var loop = new Loop();
        var gate = new TaskCompletionSource<int>();
        var gateVoid = new TaskCompletionSource();
        var events = new List<string>();

        async Coroutine<int> Waiter()
        {
            try
            {
                return await gate.Task;   // a plain TPL await, no token, no wrapper
            }
            catch (CancelledException e)
            {
                events.Add($"cancelled at the await: {e.CancelMessage}");
                throw;
            }
        }

        async Coroutine WaiterOnValueTask()
        {
            try
            {
                await new ValueTask(gateVoid.Task).ConfigureAwait(false);
            }
            catch (CancelledException)
            {
                events.Add("cancelled at the ValueTask await");
                throw;
            }
        }

        async Coroutine Main()
        {
            var t = Asyncio.CreateTask(Waiter());
            var v = Asyncio.CreateTask(WaiterOnValueTask());
            await Asyncio.Sleep(0);
            t.Cancel("stop");
            v.Cancel();
            try
            {
                await t;
            }
            catch (CancelledException)
            {
            }
            try
            {
                await v;
            }
            catch (CancelledException)
            {
            }
            events.Add($"cancelled = {t.Cancelled} {v.Cancelled}; TPL tasks still running = {!gate.Task.IsCompleted} {!gateVoid.Task.IsCompleted}");
        }

        loop.RunUntilComplete(Main());
        gate.SetResult(1);
        gateVoid.SetResult();
        loop.Close();
        Assert.Equal(["cancelled at the await: stop", "cancelled at the ValueTask await", "cancelled = True True; TPL tasks still running = True True"], events);
    }

    [Fact]
    public void TaskCancellationToken_CancellingTheTask_CancelsTheTokenAndItsOperationCanceledEndsTheTaskCancelled()
    {
        var loop = new Loop();

        async Coroutine<int> UsesToken()
        {
            var token = Asyncio.CurrentTask()!.CancellationToken;
            await Task.Delay(TimeSpan.FromMinutes(5), token);   // a plain TPL await
            return 1;
        }

        async Coroutine<string> Main()
        {
            var t = Asyncio.CreateTask(UsesToken());
            await Asyncio.Sleep(0.01);
            t.Cancel();
            try
            {
                await t;
                return "finished";
            }
            catch (CancelledException)
            {
                return $"cancelled = {t.Cancelled}, token cancelled = {t.CancellationToken.IsCancellationRequested}";
            }
        }

        Assert.Equal("cancelled = True, token cancelled = True", loop.RunUntilComplete(Main()));
        loop.Close();
    }

    [Fact]
    public void CreateTask_WithACancellationToken_TheTokenCancelsTheTask()
    {
        var loop = new Loop(LoopClock.Virtual);
        using var source = new CancellationTokenSource();
        using var already = new CancellationTokenSource();
        already.Cancel();
        var ran = new List<string>();

        async Coroutine Forever(string name)
        {
            ran.Add(name);
            await Asyncio.Sleep(3600);
        }

        var t = loop.CreateTask(Forever("linked"), cancellationToken: source.Token);
        var never = loop.CreateTask(Forever("already cancelled"), cancellationToken: already.Token);
        loop.CallLater(1, source.Cancel);
        Assert.Throws<CancelledException>(() => loop.RunUntilComplete(t));
        Assert.True(t.Cancelled);
        Assert.True(never.Cancelled);
        Assert.Equal(["linked"], ran);
        Assert.Equal(1.0, loop.Time());
        loop.Close();
    }

    [Fact]
    public void ToThread_BlockingCall_RunsOffTheLoopThread()
    {
        var loopThread = Environment.CurrentManagedThreadId;

        async Coroutine<bool> Main() => await Asyncio.ToThread(() => Environment.CurrentManagedThreadId != loopThread);

        Assert.True(Asyncio.Run(Main()));
    }

    // WrapTask gives a loop future the error a Task<T> ended with: the one inner exception, or the whole
    // AggregateException when the task failed with several (Task.WhenAll over two failures).
    [Fact]
    public void WrapTask_ATaskThatFailedWithSeveralErrors_FailsWithTheWholeAggregate()
    {
        var loop = new Loop(LoopClock.Virtual);
        var both = Task.WhenAll(
            Task.FromException<int>(new ArgumentException("a")),
            Task.FromException<int>(new FormatException("b")));
        var one = Task.FromException<int>(new ArgumentException("only"));
        var wrappedBoth = Asyncio.WrapTask(both, loop);
        var wrappedOne = Asyncio.WrapTask(one, loop);
        var aggregate = Assert.Throws<AggregateException>(() => loop.RunUntilComplete(wrappedBoth));
        Assert.Equal(["a", "b"], aggregate.InnerExceptions.Select(e => e.Message));
        Assert.Equal("only", Assert.Throws<ArgumentException>(() => loop.RunUntilComplete(wrappedOne)).Message);
        loop.Close();
    }

    private static async Coroutine<int> SleepsAndYields(List<string> log)
    {
        log.Add("work starts");
        await Asyncio.Sleep(0.01);
        log.Add("work resumed");
        await Asyncio.Sleep(0);
        return 41;
    }

    // Plain async code that awaits a coroutine drives it itself: the coroutine starts inline, and once it
    // suspends the calling task's step lets go of it, so the task's own await of the helper's Task does
    // not take its place. (It did: the coroutine never resumed and the task waited forever, silently.)
    [Fact]
    public void AsyncTaskHelper_AwaitingACoroutineThatSuspends_ResumesItAndReturnsToTheCallingCoroutine()
    {
        var log = new List<string>();

        async Task<int> Helper()
        {
            var x = await SleepsAndYields(log);
            log.Add("helper done");
            return x + 1;
        }

        async Coroutine<int> Main()
        {
            var r = await Helper();
            log.Add($"main got {r}");
            return r;
        }

        // The real clock: the helper's Task reaches the awaiting task through the thread-safe inbox, which
        // a virtual clock would not wait for before jumping to the next deadline. The stop far past the
        // sleep makes a regression fail here instead of waiting forever.
        var loop = new Loop();
        loop.CallLater(10, loop.Stop);
        Assert.Equal(42, loop.RunUntilComplete(Main()));
        Assert.Equal(["work starts", "work resumed", "helper done", "main got 42"], log);
        loop.Close();
    }

    // The same helper started and not awaited: the coroutine it awaits goes on by itself while the task
    // that started it awaits something else in the same step.
    [Fact]
    public void AsyncTaskHelper_StartedAndNotAwaited_StillDrivesTheCoroutineItAwaits()
    {
        var log = new List<string>();
        Task? helper = null;

        async Task Helper()
        {
            await SleepsAndYields(log);
            log.Add("helper done");
        }

        async Coroutine Parent()
        {
            helper = Helper();
            await Asyncio.Sleep(0);
            log.Add("parent after its own await");
        }

        var loop = new Loop(LoopClock.Virtual);
        loop.RunUntilComplete(Parent());
        loop.RunUntilComplete(loop.CreateTask(Asyncio.Sleep(5, 0)));
        Assert.Equal(["work starts", "parent after its own await", "work resumed", "helper done"], log);
        Assert.True(helper!.IsCompletedSuccessfully);
        loop.Close();
    }
}

/// <summary>The loop's clock as a TimeProvider, and a TimeProvider as the loop's clock.</summary>
public class TimeProviderTests
{
    [Fact]
    public void VirtualLoopTimeProvider_TaskDelayInACoroutine_FollowsVirtualTime()
    {
        var loop = new Loop(LoopClock.Virtual);

        async Coroutine<double> Main()
        {
            await Task.Delay(TimeSpan.FromMinutes(5), loop.TimeProvider);
            return loop.Time();
        }

        var wall = System.Diagnostics.Stopwatch.StartNew();
        Assert.Equal(300.0, loop.RunUntilComplete(Main()));
        Assert.True(wall.Elapsed < TimeSpan.FromMinutes(1));
        Assert.Equal(DateTimeOffset.UnixEpoch.AddMinutes(5), loop.TimeProvider.GetUtcNow());
        loop.Close();
    }

    [Fact]
    public void LoopOnATimeProvider_AdvancingTheFakeClock_FiresTheLoopsTimers()
    {
        var fake = new ManualTimeProvider();
        var loop = new Loop(fake);
        var fired = new List<double>();
        loop.CallLater(10, () =>
        {
            lock (fired) fired.Add(loop.Time());
        });
        loop.CallLater(20, () =>
        {
            lock (fired) fired.Add(loop.Time());
            loop.Stop();
        });
        var runner = new Thread(loop.RunForever);
        runner.Start();
        fake.Advance(TimeSpan.FromSeconds(10));
        // The first timer fires on the loop's thread before time moves on.
        Assert.True(SpinWait.SpinUntil(() =>
        {
            lock (fired) return fired.Count == 1;
        }, TimeSpan.FromSeconds(30)));
        fake.Advance(TimeSpan.FromSeconds(10));
        Assert.True(runner.Join(TimeSpan.FromSeconds(30)), "the loop did not wake on the fake clock");
        loop.Close();
        Assert.Equal([10.0, 20.0], fired);
    }

    // A minimal fake clock: time moves only when Advance is called, and due timers fire then.
    private sealed class ManualTimeProvider : TimeProvider
    {
        private readonly Lock _gate = new();
        private readonly List<FakeTimer> _timers = [];
        private long _now;

        public override long TimestampFrequency => TimeSpan.TicksPerSecond;

        public override long GetTimestamp()
        {
            lock (_gate) return _now;
        }

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            var timer = new FakeTimer(this, callback, state);
            timer.Change(dueTime, period);
            return timer;
        }

        public void Advance(TimeSpan by)
        {
            List<FakeTimer> due;
            lock (_gate)
            {
                _now += by.Ticks;
                due = _timers.Where(t => t.Due <= _now).ToList();
                foreach (var t in due) _timers.Remove(t);
            }
            foreach (var t in due) t.Fire();
        }

        private sealed class FakeTimer(ManualTimeProvider owner, TimerCallback callback, object? state) : ITimer
        {
            public long Due;

            public bool Change(TimeSpan dueTime, TimeSpan period)
            {
                lock (owner._gate)
                {
                    owner._timers.Remove(this);
                    if (dueTime == Timeout.InfiniteTimeSpan) return true;
                    Due = owner._now + dueTime.Ticks;
                    owner._timers.Add(this);
                }
                if (dueTime == TimeSpan.Zero) owner.Advance(TimeSpan.Zero);
                return true;
            }

            public void Fire() => callback(state);

            public void Dispose()
            {
                lock (owner._gate) owner._timers.Remove(this);
            }

            public ValueTask DisposeAsync()
            {
                Dispose();
                return ValueTask.CompletedTask;
            }
        }
    }

    // A periodic timer from loop.TimeProvider fires once a period on the loop's clock, until disposed.
    [Fact]
    public void TimeProvider_PeriodicTimer_FiresOnceAPeriodOnTheLoopsClock()
    {
        var ticks = new List<double>();

        async Coroutine Main()
        {
            var loop = Asyncio.GetRunningLoop();
            using (loop.TimeProvider.CreateTimer(_ => ticks.Add(loop.Time()), null, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1)))
                await Asyncio.Sleep(3.5);
            await Asyncio.Sleep(2);
        }

        Asyncio.Run(Main(), LoopClock.Virtual);
        Assert.Equal([1.0, 2.0, 3.0], ticks);
    }
}
