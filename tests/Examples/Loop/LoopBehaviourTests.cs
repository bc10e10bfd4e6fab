using System.Runtime.CompilerServices;
using Xunit;

namespace Aio.Examples;

/// <summary>Worked examples of the shell's behaviour, named Member_Condition_Outcome.</summary>
public class LoopBehaviourTests
{
    private static List<ExceptionContext> CollectReports(Loop loop)
    {
        var reports = new List<ExceptionContext>();
        loop.SetExceptionHandler((_, context) =>
        {
            lock (reports) reports.Add(context);
        });
        return reports;
    }

    // The threads the exception handler ran on, one entry a call.
    private static List<int> CollectHandlerThreads(Loop loop)
    {
        var threads = new List<int>();
        loop.SetExceptionHandler((_, _) =>
        {
            lock (threads) threads.Add(Environment.CurrentManagedThreadId);
        });
        return threads;
    }

    private static void CollectGarbage()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
    }

    // Kept out of line so that no local of the test method keeps the future reachable.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void DropFailedFuture(Loop loop, bool retrieve, string message)
    {
        var f = loop.CreateFuture<int>();
        f.SetException(new InvalidOperationException(message));
        if (retrieve) f.Exception();
    }

    [Fact]
    public void Future_ExceptionNeverRetrieved_ReportedOnceAfterCollection()
    {
        using var loop = new Loop(LoopClock.Virtual);
        var reports = CollectReports(loop);
        DropFailedFuture(loop, retrieve: false, "lost");
        DropFailedFuture(loop, retrieve: true, "read");
        CollectGarbage();
        CollectGarbage();
        var report = Assert.Single(reports);
        Assert.Equal("Future exception was never retrieved", report.Message);
        Assert.Equal("lost", report.Exception!.Message);
    }

    [Fact]
    public void Future_ExceptionNeverRetrievedWhileLoopRuns_ReportedOnTheLoopThread()
    {
        using var loop = new Loop(LoopClock.Virtual);
        var handlerThreads = CollectHandlerThreads(loop);
        var loopThread = Environment.CurrentManagedThreadId;
        loop.CallSoon(() =>
        {
            DropFailedFuture(loop, retrieve: false, "lost while running");
            CollectGarbage();
        });
        // The finalizer has run by the end of the first callback; its report is handled at the start
        // of the next iteration, before this stop.
        loop.CallLater(1, loop.Stop);
        loop.RunForever();
        Assert.Equal([loopThread], handlerThreads);
    }

    [Fact]
    public void Future_ExceptionNeverRetrievedInTheLastIteration_ReportedBeforeTheRunReturns()
    {
        using var loop = new Loop(LoopClock.Virtual);
        var handlerThreads = CollectHandlerThreads(loop);
        loop.CallSoon(() =>
        {
            // The run's last iteration: the report made now has no later iteration to wait for.
            loop.Stop();
            DropFailedFuture(loop, retrieve: false, "lost at the end");
            CollectGarbage();
        });
        loop.RunForever();
        Assert.Equal([Environment.CurrentManagedThreadId], handlerThreads);
    }

    [Fact]
    public void LoopTask_CancelledInAnAwaitCycle_ThrowsInsteadOfOverflowingTheStack()
    {
        using var loop = new Loop(LoopClock.Virtual);
        LoopTask a = null!, b = null!;

        async Coroutine AwaitsB() => await b;
        async Coroutine AwaitsA() => await a;

        a = loop.CreateTask(AwaitsB(), name: "A");
        b = loop.CreateTask(AwaitsA(), name: "B");
        loop.CallSoon(loop.Stop);
        loop.RunForever();
        var e = Assert.Throws<InvalidOperationException>(() => a.Cancel());
        Assert.StartsWith("Cancelling <Task cancelling name='A' coro=<AwaitsB()> wait_for=<Task cancelling name='B' coro=<AwaitsA()> wait_for=... cb=[", e.Message);
        Assert.EndsWith("tasks that await each other in a cycle cannot be cancelled (CPython raises RecursionError here). Break the cycle first, for example by cancelling a future one of them awaits.", e.Message);
        Assert.False(a.Done);
        Assert.False(b.Done);
    }

    // The ready entries live in segments of 1,024: a batch across many of them, callbacks that schedule
    // more while it runs, a fatal exception that leaves the rest of a batch for the next run in the
    // middle of a segment, and the order is FIFO throughout.
    [Fact]
    public void CallSoon_BatchesAcrossManySegments_RunInOrder_AndAnInterruptedBatchResumesWhereItStopped()
    {
        var loop = new Loop(LoopClock.Virtual);
        var order = new List<int>();
        const int n = 5_000;
        for (var i = 0; i < n; i++)
        {
            var k = i;
            loop.CallSoon(() =>
            {
                order.Add(k);
                if (k % 3 == 0) loop.CallSoon(() => order.Add(n + k));
            });
        }
        var fatal = new OutOfMemoryException("simulated");
        var thrown = false;
        loop.CallSoon(() => order.Add(-1));
        loop.CallSoon(() =>
        {
            if (thrown) return;
            thrown = true;
            throw fatal;
        });
        loop.CallSoon(() => order.Add(-2));
        Assert.Same(fatal, Assert.Throws<OutOfMemoryException>(() => loop.RunForever()));
        Assert.Equal(Enumerable.Range(0, n).Append(-1), order);
        loop.CallSoon(loop.Stop);
        loop.RunForever();
        // The rest of the first batch, then what it scheduled, then the stop's batch.
        var expected = Enumerable.Range(0, n).Append(-1).Append(-2).Concat(Enumerable.Range(0, n).Where(k => k % 3 == 0).Select(k => n + k));
        Assert.Equal(expected, order);
        loop.Close();
    }

    // The cycle is the core's finding (a task still passing a cancel on is reached again), so it is found
    // at any length, and every task on the way stops forwarding: the next cancel finds the cycle again
    // rather than a task stuck half-way.
    [Fact]
    public void LoopTask_CancelledInALongAwaitCycle_ThrowsEveryTimeAndLeavesNoTaskStuck()
    {
        using var loop = new Loop(LoopClock.Virtual);
        const int length = 1_000;
        var tasks = new LoopTask[length];

        async Coroutine AwaitsNext(int i) => await tasks[(i + 1) % length];

        for (var i = 0; i < length; i++) tasks[i] = loop.CreateTask(AwaitsNext(i), name: $"T{i}");
        loop.CallSoon(loop.Stop);
        loop.RunForever();
        var first = Assert.Throws<InvalidOperationException>(() => tasks[0].Cancel());
        Assert.StartsWith("Cancelling <Task cancelling name='T0' coro=<AwaitsNext()>", first.Message);
        Assert.All(tasks, t => Assert.Equal(1, t.Cancelling()));
        var second = Assert.Throws<InvalidOperationException>(() => tasks[500].Cancel());
        Assert.StartsWith("Cancelling <Task cancelling name='T500' coro=<AwaitsNext()>", second.Message);
        Assert.All(tasks, t => Assert.Equal(2, t.Cancelling()));
        Assert.All(tasks, t => Assert.False(t.Done));
    }

    // A task's CancellationToken is cancelled once every task on the way has its answer: a token callback
    // that cancels the outer task again is an ordinary second cancel, not a cycle.
    [Fact]
    public void LoopTask_TokenCallbackOfAnInnerTaskCancelsTheOuterOne_IsASecondCancelNotACycle()
    {
        using var loop = new Loop(LoopClock.Virtual);
        var reports = CollectReports(loop);
        var never = loop.CreateFuture<int>();
        LoopTask<int> outer = null!;

        async Coroutine<int> Link(Future<int> next) => await next + 1;

        var inner = loop.CreateTask(Link(never), name: "inner");
        outer = loop.CreateTask(Link(inner), name: "outer");
        inner.CancellationToken.Register(() => outer.Cancel("again"));
        loop.CallSoon(loop.Stop);
        loop.RunForever();
        Assert.True(outer.Cancel("first"));
        Assert.Empty(reports);
        Assert.Equal(2, outer.Cancelling());
        Assert.Equal(2, inner.Cancelling());
        var error = Assert.Throws<CancelledException>(() => loop.RunUntilComplete(outer));
        Assert.Equal("first", error.CancelMessage);
    }

    // A fatal exception out of a token callback's report leaves Cancel(), and no task on the way is left
    // passing the cancel on: both can be cancelled again, and both end cancelled.
    [Fact]
    public void LoopTask_FatalExceptionFromATokenCallbacksReport_LeavesNoTaskForwarding()
    {
        using var loop = new Loop(LoopClock.Virtual);
        var fatal = new ThreadInterruptedException("stop");
        loop.SetExceptionHandler((_, _) => throw fatal);
        var never = loop.CreateFuture<int>();

        async Coroutine<int> Link(Future<int> next) => await next + 1;

        var inner = loop.CreateTask(Link(never), name: "inner");
        var outer = loop.CreateTask(Link(inner), name: "outer");
        inner.CancellationToken.Register(() => throw new InvalidOperationException("token callback"));
        loop.CallSoon(loop.Stop);
        loop.RunForever();
        Assert.Same(fatal, Assert.Throws<ThreadInterruptedException>(() => outer.Cancel()));
        loop.SetExceptionHandler(null);
        Assert.True(outer.Cancel());
        Assert.Equal(2, outer.Cancelling());
        Assert.Throws<CancelledException>(() => loop.RunUntilComplete(outer));
        Assert.True(inner.Cancelled);
    }

    // Two ways down to the same deep chain is not a cycle: the second cancel reaches the chain after the
    // first one finished passing, finds the innermost future already cancelled, and the request stays
    // with the last task, as in CPython (each task below the fork counts two requests).
    [Fact]
    public void LoopTask_CancelReachingADeepChainTwiceThroughAGather_CancelsItWithoutACycleError()
    {
        using var loop = new Loop(LoopClock.Virtual);
        const int depth = 600;
        var never = loop.CreateFuture<int>();
        var chain = new LoopTask<int>[depth];

        async Coroutine<int> Link(Future<int> next) => await next + 1;
        async Coroutine<int[]> Both(Future<int> a, Future<int> b) => await Asyncio.Gather(a, b);

        chain[depth - 1] = loop.CreateTask(Link(never));
        for (var i = depth - 2; i >= 0; i--) chain[i] = loop.CreateTask(Link(chain[i + 1]));
        var left = loop.CreateTask(Link(chain[0]), name: "left");
        var right = loop.CreateTask(Link(chain[0]), name: "right");
        var top = loop.CreateTask(Both(left, right), name: "top");
        loop.CallSoon(loop.Stop);
        loop.RunForever();
        Assert.True(top.Cancel("fork"));
        Assert.Equal(1, left.Cancelling());
        Assert.Equal(1, right.Cancelling());
        Assert.All(chain, t => Assert.Equal(2, t.Cancelling()));
        Assert.True(never.Cancelled);
        var error = Assert.Throws<CancelledException>(() => loop.RunUntilComplete(top));
        Assert.Equal("fork", error.CancelMessage);
        Assert.All(chain, t => Assert.True(t.Cancelled));
    }

    // asyncio's TimerHandle repr carries when=, before the callback, or after "cancelled" once the
    // handle is cancelled (it drops its callback then).
    [Fact]
    public void TimerHandle_Repr_ShowsWhenBeforeTheCallback_AndAfterCancelled()
    {
        using var loop = new Loop(LoopClock.Virtual);
        var timer = loop.CallLater(1.5, Tick);
        var handle = loop.CallSoon(Tick);
        Assert.Equal("<TimerHandle when=1.5 Tick()>", timer.ToString());
        Assert.Equal("<Handle Tick()>", handle.ToString());
        timer.Cancel();
        handle.Cancel();
        Assert.Equal("<TimerHandle cancelled when=1.5>", timer.ToString());
        Assert.Equal("<Handle cancelled>", handle.ToString());

        static void Tick() { }
    }

    // asyncio writes a future's result through reprlib (its default limits: 30 characters of a string's
    // repr, 40 digits, six items, six levels, 30 characters of anything else), and an exception whole.
    // The expected texts are what CPython 3.13 prints for the same values.
    [Fact]
    public void FutureRepr_LimitsTheResultAsReprlibDoes_AndWritesAnExceptionWhole()
    {
        using var loop = new Loop(LoopClock.Virtual);

        string Finished(object? value)
        {
            var f = loop.CreateFuture<object?>();
            f.SetResult(value);
            return f.ToString();
        }

        Assert.Equal("<Future finished result='aaaaaaaaaaaaaaaaaaaaaaaaaaaa'>", Finished(new string('a', 28)));
        Assert.Equal("<Future finished result='aaaaaaaaaaaa...aaaaaaaaaaaaa'>", Finished(new string('a', 29)));
        Assert.Equal("<Future finished result='abcdefghijkl...xyz0123456789'>", Finished("abcdefghijklmnopqrstuvwxyz0123456789"));
        Assert.Equal("<Future finished result=[0, 1, 2, 3, 4, 5, ...]>", Finished(Enumerable.Range(0, 10).ToArray()));
        Assert.Equal("<Future finished result=[1, 'xxxxxxxxxxxx...xxxxxxxxxxxxx']>", Finished(new object[] { 1, new string('x', 40) }));
        Assert.Equal("<Future finished result=[[[[[[[...]]]]]]]>", Finished(new object[] { new object[] { new object[] { new object[] { new object[] { new object[] { new object[] { 1 } } } } } } }));
        Assert.Equal("<Future finished result=100000000000000000...0000000000000000000>", Finished(System.Numerics.BigInteger.Pow(10, 50)));
        Assert.Equal("<Future finished result=ValueError('x...xxxxxxxxxxxx')>", Finished(new ValueError(new string('x', 50))));
        Assert.Equal("<Future finished result=None>", Finished(null));

        var failed = loop.CreateFuture<int>();
        failed.SetException(new ValueError(new string('x', 40)));
        Assert.Equal($"<Future finished exception=ValueError('{new string('x', 40)}')>", failed.ToString());
        _ = failed.Exception();
    }

    private sealed class ValueError(string message) : Exception(message);

    // Python's float repr: the shortest round-trip digits, positional below 1e16, else an exponent
    // with a lower-case e (the values are what CPython 3.13 prints for each).
    [Theory]
    [InlineData(2.0, "2.0")]
    [InlineData(0.1, "0.1")]
    [InlineData(1e-05, "1e-05")]
    [InlineData(0.0001, "0.0001")]
    [InlineData(123456789012345.0, "123456789012345.0")]
    [InlineData(1e15, "1000000000000000.0")]
    [InlineData(1234567890123456.8, "1234567890123456.8")]
    [InlineData(-1.5e15, "-1500000000000000.0")]
    [InlineData(1e16, "1e+16")]
    [InlineData(1.5e16, "1.5e+16")]
    [InlineData(12345678901234568.0, "1.2345678901234568e+16")]
    [InlineData(-2e16, "-2e+16")]
    [InlineData(1e17, "1e+17")]
    [InlineData(1.5e300, "1.5e+300")]
    [InlineData(-0.0, "-0.0")]
    [InlineData(5e-324, "5e-324")]
    public void Repr_OfAFloat_IsPythonsRepr(double value, string expected) => Assert.Equal(expected, Repr.Of(value));

    // asyncio's message names the callback with its argument (_format_callback_source); the context's
    // handle is a plain Handle, whose repr shows the same.
    [Fact]
    public void Future_DoneCallbackThrows_HandlerNamesTheCallbackAndItsFuture_AndAPlainHandle()
    {
        using var loop = new Loop(LoopClock.Virtual);
        var reports = CollectReports(loop);
        var f = loop.CreateFuture<int>();
        f.AddDoneCallback(Explodes);
        f.SetResult(1);
        loop.CallSoon(loop.Stop);
        loop.RunForever();
        var report = Assert.Single(reports);
        Assert.Equal("Exception in callback Explodes(<Future finished result=1>)", report.Message);
        Assert.Equal("<Handle Explodes(<Future finished result=1>)>", report["handle"]!.ToString());
        Assert.Equal("boom", report.Exception!.Message);

        static void Explodes(Future _) => throw new InvalidOperationException("boom");
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void RunFailingTask(Loop loop)
    {
        static async Coroutine Fails()
        {
            await Asyncio.Sleep(0);
            throw new ArgumentException("task failed");
        }

        var task = loop.CreateTask(Fails(), name: "F");
        loop.CallLater(1, loop.Stop);
        loop.RunForever();
        Assert.True(task.Done);
    }

    [Fact]
    public void LoopTask_FailsAndNobodyLooks_ReportedAsTaskException()
    {
        using var loop = new Loop(LoopClock.Virtual);
        var reports = CollectReports(loop);
        RunFailingTask(loop);
        CollectGarbage();
        CollectGarbage();
        var report = Assert.Single(reports);
        Assert.Equal("Task exception was never retrieved", report.Message);
        Assert.IsType<ArgumentException>(report.Exception);
        // asyncio's keys exactly: the task is the "future".
        Assert.Equal(["exception", "future", "message"], report.Keys.Order(StringComparer.Ordinal));
        Assert.StartsWith("<Task finished name=", report.Future!.ToString());
    }

    [Fact]
    public void Close_InDebugMode_ReportsPendingTasksAndUnretrievedExceptionsAtOnce()
    {
        var loop = new Loop(LoopClock.Virtual) { Debug = true };
        var reports = CollectReports(loop);
        var parked = loop.CreateFuture<int>();

        async Coroutine Parks() => await parked;

        var task = loop.CreateTask(Parks(), name: "P");
        var failed = loop.CreateFuture<int>();
        failed.SetException(new InvalidOperationException("never read"));
        loop.CallSoon(loop.Stop);
        loop.RunForever();
        loop.Close();
        Assert.Equal(["Task was destroyed but it is pending!", "Future exception was never retrieved"], reports.Select(r => r.Message));
        GC.KeepAlive(task);
        GC.KeepAlive(failed);
    }

    [Fact]
    public void Coroutine_AwaitsSystemTask_ResumesOnTheLoopThreadWithTheResult()
    {
        using var loop = new Loop();
        var loopThread = Environment.CurrentManagedThreadId;

        async Coroutine<(int, bool)> UsesTpl()
        {
            var value = await Task.Run(() => 21 * 2);
            return (value, Environment.CurrentManagedThreadId == loopThread);
        }

        Assert.Equal((42, true), loop.RunUntilComplete(UsesTpl()));
    }

    [Fact]
    public void Cancel_WhileAwaitingSystemTask_RaisesAtThatAwaitWithoutWaitingForIt()
    {
        using var loop = new Loop();
        var log = new List<string>();
        var gate = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);

        async Coroutine Worker()
        {
            try
            {
                log.Add("got " + await gate.Task);
            }
            catch (CancelledException e)
            {
                log.Add($"cancelled at the TPL await: {e.CancelMessage}; TPL task done = {gate.Task.IsCompleted}");
                throw;
            }
        }

        var task = loop.CreateTask(Worker(), name: "W");
        loop.CallLater(0.01, () => log.Add("cancel -> " + task.Cancel("stop")));
        Assert.Throws<CancelledException>(() => loop.RunUntilComplete(task));
        gate.SetResult("external result");
        Assert.Equal(["cancel -> True", "cancelled at the TPL await: stop; TPL task done = False"], log);
        Assert.True(task.Cancelled);
    }

    // Cancel propagation is walked in a loop, not recursed: a chain this deep overflowed the stack before. `dotnet fsi build.fsx soak` (AIO_PROPERTY_SCALE=100) runs it at 1,000,000.
    [Fact]
    public void Cancel_HeadOfADeepChainOfTasksAwaitingEachOther_CancelsEveryOneWithoutOverflow()
    {
        var depth = int.TryParse(Environment.GetEnvironmentVariable("AIO_PROPERTY_SCALE"), out var scale) && scale >= 100 ? 1_000_000 : 50_000;
        var loop = new Loop(LoopClock.Virtual);
        var never = loop.CreateFuture<int>();
        var tasks = new LoopTask<int>[depth];

        async Coroutine<int> Link(Future<int> next) => await next + 1;

        tasks[depth - 1] = loop.CreateTask(Link(never));
        for (var i = depth - 2; i >= 0; i--) tasks[i] = loop.CreateTask(Link(tasks[i + 1]));
        ScenarioRunOnce(loop);
        Assert.True(tasks[0].Cancel("deep"));
        Assert.Equal(1, tasks[depth - 1].Cancelling());
        Assert.True(never.Cancelled);
        var error = Assert.Throws<CancelledException>(() => loop.RunUntilComplete(tasks[0]));
        Assert.Equal("deep", error.CancelMessage);
        Assert.All(tasks, t => Assert.True(t.Cancelled));
        loop.Close();
    }

    // An inline await deeper than the trampoline's limit is driven by the outermost frame instead of
    // nesting: a chain of 40,000 coroutines awaiting each other overflowed the stack before. Down and up
    // once synchronously, then again across a suspension at the innermost one. `dotnet fsi build.fsx
    // soak` runs it at 1,000,000.
    [Fact]
    public void AwaitInline_ChainDeeperThanTheStack_RunsInOneTaskWithoutOverflow()
    {
        var depth = int.TryParse(Environment.GetEnvironmentVariable("AIO_PROPERTY_SCALE"), out var scale) && scale >= 100 ? 1_000_000 : 100_000;
        var log = new List<string>();

        async Coroutine<int> Chain(int n, bool suspend)
        {
            if (n == 0)
            {
                if (suspend) await Asyncio.Sleep(0);
                log.Add("innermost " + (Asyncio.CurrentTask()?.Name ?? "no task"));
                return 0;
            }
            return await Chain(n - 1, suspend) + 1;
        }

        async Coroutine<string> Main()
        {
            log.Add("main " + Asyncio.CurrentTask()!.Name);
            var straight = await Chain(depth, suspend: false);
            var suspended = await Chain(depth, suspend: true);
            return $"{straight} {suspended}";
        }

        var d = depth.ToString(System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal($"{d} {d}", Asyncio.Run(Main()));
        Assert.Equal(3, log.Count);
        Assert.Equal(["innermost " + log[0][5..], "innermost " + log[0][5..]], log[1..]);
    }

    // An eager task's first step is a chain of its own: created deep inside an inline chain, it still
    // runs to its first suspension (or its end) before CreateTask returns.
    [Fact]
    public void EagerTask_CreatedDeepInAnInlineChain_RunsItsFirstStepBeforeCreateTaskReturns()
    {
        var log = new List<string>();

        async Coroutine<int> Leaf(int n) => n == 0 ? 7 : await Leaf(n - 1);

        async Coroutine<int> Chain(int n)
        {
            if (n > 0) return await Chain(n - 1);
            var eager = Asyncio.CreateTask(Leaf(300), eagerStart: true);
            log.Add($"eager done at once: {eager.Done}, result {(eager.Done ? eager.Result() : -1)}");
            return await eager;
        }

        Assert.Equal(7, Asyncio.Run(Chain(1000)));
        Assert.Equal(["eager done at once: True, result 7"], log);
    }

    private static void ScenarioRunOnce(Loop loop)
    {
        loop.CallSoon(loop.Stop);
        loop.RunForever();
    }

    // asyncio 3.12+ drops the coroutine of a task that its eager first step finished: get_coro() is None
    // and the repr has no coro= part. One that suspended keeps it.
    [Fact]
    public void EagerTask_FinishedByItsFirstStep_DropsItsCoroutine()
    {
        string? finishedRepr = null, suspendedRepr = null;
        bool finishedHasCoroutine = true, suspendedHasCoroutine = false;

#pragma warning disable CS1998
        static async Coroutine<int> AtOnce() => 1;
#pragma warning restore CS1998

        static async Coroutine<int> Later()
        {
            await Asyncio.Sleep(0);
            return 2;
        }

        async Coroutine Main()
        {
            var finished = Asyncio.CreateTask(AtOnce(), name: "f", eagerStart: true);
            var suspended = Asyncio.CreateTask(Later(), name: "s", eagerStart: true);
            finishedRepr = finished.ToString();
            finishedHasCoroutine = finished.GetCoroutine() is not null;
            suspendedHasCoroutine = suspended.GetCoroutine() is not null;
            await suspended;
            suspendedRepr = suspended.ToString();
        }

        Asyncio.Run(Main(), LoopClock.Virtual);
        Assert.Equal("<Task finished name='f' result=1>", finishedRepr);
        Assert.False(finishedHasCoroutine);
        Assert.True(suspendedHasCoroutine);
        Assert.Equal("<Task finished name='s' coro=<Later()> result=2>", suspendedRepr);
    }

    [Fact]
    public void PublicTypes_ComparedWithImplicitUsings_NoneCollide()
    {
        string[] reserved = ["Task", "Lock", "Semaphore", "Timeout", "Barrier", "Queue"];
        var names = typeof(Loop).Assembly.GetExportedTypes().Select(t => t.Name.Split('`')[0]);
        Assert.Empty(names.Intersect(reserved));
    }

    [Fact]
    public void HandleCancel_AfterTheCallbackRan_MarksItCancelledAndChangesNothingElse()
    {
        using var loop = new Loop(LoopClock.Virtual);
        var runs = 0;
        var handle = loop.CallSoon(() => runs++);
        var timer = loop.CallLater(0, () => runs++);
        loop.CallSoon(loop.Stop);
        loop.RunForever();
        loop.CallSoon(loop.Stop);
        loop.RunForever();
        Assert.Equal(2, runs);
        Assert.False(handle.Cancelled);
        // asyncio's Handle.cancel() sets _cancelled whether or not the callback ran.
        handle.Cancel();
        timer.Cancel();
        Assert.True(handle.Cancelled);
        Assert.True(timer.Cancelled);
        Assert.Equal("<Handle cancelled>", handle.ToString());
        Assert.Equal("<TimerHandle cancelled when=0.0>", timer.ToString());
        loop.CallSoon(loop.Stop);
        loop.RunForever();
        Assert.Equal(2, runs);
    }

    [Fact]
    public void ExceptionHandler_ThatThrows_IsReportedByTheDefaultAndTheLoopKeepsRunning()
    {
        using var loop = new Loop(LoopClock.Virtual);
        var ran = new List<string>();
        loop.SetExceptionHandler((_, _) => throw new InvalidOperationException("handler broke"));
        var stderr = Console.Error;
        var captured = new StringWriter();
        Console.SetError(captured);
        try
        {
            loop.CallSoon(() => throw new ArgumentException("first"));
            loop.CallSoon(() => ran.Add("second"));
            loop.CallSoon(loop.Stop);
            loop.RunForever();
        }
        finally
        {
            Console.SetError(stderr);
        }
        Assert.Equal(["second"], ran);
        Assert.StartsWith("Unhandled error in exception handler", captured.ToString());
    }

    [Fact]
    public void Coroutine_AwaitedAfterItRanAsATask_ThrowsNamingTheCoroutine()
    {
        using var loop = new Loop(LoopClock.Virtual);

        static async Coroutine<int> Once()
        {
            await Asyncio.Sleep(0);
            return 1;
        }

        var coroutine = Once();
        loop.RunUntilComplete(loop.CreateTask(coroutine));

        async Coroutine<int> AwaitsAgain() => await coroutine;

        var error = Assert.Throws<InvalidOperationException>(() => loop.RunUntilComplete(AwaitsAgain()));
        Assert.StartsWith("Coroutine Once() was already started", error.Message);
    }

    [Fact]
    public void LoopTaskSetResult_OnATask_ThrowsBecauseOnlyItsCoroutineCompletesIt()
    {
        using var loop = new Loop(LoopClock.Virtual);

        static async Coroutine<int> Body()
        {
            await Asyncio.Sleep(0);
            return 1;
        }

        var task = loop.CreateTask(Body());
        var error = Assert.Throws<InvalidOperationException>(() => task.SetResult(2));
        Assert.Equal("Task does not support set_result operation", error.Message);
        Assert.Equal(1, loop.RunUntilComplete(task));
    }

    [Fact]
    public void FutureResult_WhilePending_ThrowsInvalidState()
    {
        using var loop = new Loop(LoopClock.Virtual);
        var f = loop.CreateFuture<int>();
        var error = Assert.Throws<InvalidStateException>(() => f.Result());
        Assert.StartsWith("Result is not ready", error.Message);
    }

    [Fact]
    public void EnsureFuture_OfATaskWithAResult_WrapsItInALoopTaskThatReturnsTheResult()
    {
        using var loop = new Loop();
        var wrapped = Asyncio.EnsureFuture(Task.Run(() => 7), loop);
        Assert.Equal(7, loop.RunUntilComplete((object)wrapped));
    }

    private static readonly AsyncLocal<string?> s_ambient = new();

    [Fact]
    public void AsyncLocal_SetInATaskBeforeAnAwait_IsStillSetAfterItAndDoesNotLeakToTheCaller()
    {
        using var loop = new Loop(LoopClock.Virtual);

        async Coroutine<string?> SetsAndAwaits()
        {
            s_ambient.Value = "inside";
            await Asyncio.Sleep(0);
            await Asyncio.Sleep(1);
            return s_ambient.Value;
        }

        s_ambient.Value = "outside";
        Assert.Equal("inside", loop.RunUntilComplete(SetsAndAwaits()));
        Assert.Equal("outside", s_ambient.Value);
    }

    // asyncio's create_task(context=...) and Task.get_context(): the task runs in the given context,
    // carries it on from step to step, and the caller's own is untouched.
    [Fact]
    public void CreateTask_WithAContext_RunsInItAndGetContextFollowsItsSteps()
    {
        using var loop = new Loop(LoopClock.Virtual);
        s_ambient.Value = "given";
        var given = ExecutionContext.Capture();
        s_ambient.Value = "caller";

        async Coroutine<string?> ReadsThenSets()
        {
            var seen = s_ambient.Value;
            s_ambient.Value = "set by the task";
            await Asyncio.Sleep(0);
            return seen;
        }

        var task = loop.CreateTask(ReadsThenSets(), context: given);
        Assert.Same(given, task.GetContext());
        Assert.Equal("given", loop.RunUntilComplete(task));
        Assert.Equal("caller", s_ambient.Value);
        string? afterSteps = null;
        ExecutionContext.Run(task.GetContext()!, _ => afterSteps = s_ambient.Value, null);
        Assert.Equal("set by the task", afterSteps);

        async Coroutine<string?> InAGroup() => await TaskGroup.Run(async tg => await tg.CreateTask(Read(), context: given));
        static async Coroutine<string?> Read()
        {
            await Asyncio.Sleep(0);
            return s_ambient.Value;
        }

        Assert.Equal("given", loop.RunUntilComplete(InAGroup()));
    }

    [Fact]
    public void CreateTask_TwiceOnOneCoroutine_TheSecondTaskFailsInsteadOfHanging()
    {
        using var loop = new Loop(LoopClock.Virtual);

        static async Coroutine<int> Body()
        {
            await Asyncio.Sleep(0);
            return 1;
        }

        var coroutine = Body();
        var first = loop.CreateTask(coroutine, name: "first");
        var second = loop.CreateTask(coroutine, name: "second");
        Assert.Equal(1, loop.RunUntilComplete(first));
        var error = Assert.Throws<InvalidOperationException>(() => loop.RunUntilComplete(second));
        Assert.StartsWith("Coroutine Body() was already started", error.Message);
    }

    [Fact]
    public void Sleep_ForeverOnAVirtualClock_DoesNotJumpTheClockToInfinity()
    {
        using var loop = new Loop(LoopClock.Virtual);
        var forever = loop.CreateFuture<int>();

        async Coroutine SleepsForever() => await Asyncio.Sleep(double.PositiveInfinity);

        var sleeper = loop.CreateTask(SleepsForever());
        loop.CallLater(5, () => sleeper.Cancel());
        Assert.Throws<CancelledException>(() => loop.RunUntilComplete(sleeper));
        Assert.Equal(5.0, loop.Time());
        GC.KeepAlive(forever);
    }

    [Fact]
    public void CallSoon_FromAnotherThreadWhileTheLoopRuns_ThrowsAndNamesTheThreadSafeMethod()
    {
        using var loop = new Loop();
        Exception? seen = null;
        loop.CallSoon(() =>
        {
            var other = new Thread(() =>
            {
                try { loop.CallSoon(() => { }); }
                catch (Exception e) { seen = e; }
            });
            other.Start();
            other.Join();
            loop.Stop();
        });
        loop.RunForever();
        var error = Assert.IsType<InvalidOperationException>(seen);
        Assert.Contains("use CallSoonThreadsafe", error.Message);
    }
}

/// <summary>
/// Task numbers come from a process-wide counter: these run alone (in the conformance ports' collection),
/// so that no test creating tasks on another thread takes a number in between.
/// </summary>
[Collection(nameof(Conformance.ConformanceTests))]
public class TaskNumberTests
{
    // CPython 3.13 (SEMANTICS §3.1): only a task created without a name takes a Task-N number.
    [Fact]
    public void CreateTask_NamedTaskBetweenTwoUnnamed_TakesNoNumber()
    {
        var loop = new Loop(LoopClock.Virtual);
        var first = loop.CreateTask(Asyncio.Sleep(0, 1));
        var named = loop.CreateTask(Asyncio.Sleep(0, 2), name: "named");
        var second = loop.CreateTask(Asyncio.Sleep(0, 3));
        var n1 = long.Parse(first.Name["Task-".Length..]);
        var n2 = long.Parse(second.Name["Task-".Length..]);
        Assert.Equal("named", named.Name);
        Assert.Equal(n1 + 1, n2);
        loop.RunUntilComplete(second);
        loop.Close();
    }
}
