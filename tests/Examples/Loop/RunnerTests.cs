using Xunit;

namespace Aio.Examples;

/// <summary>asyncio.Runner: one loop over several runs, shut down like asyncio.run when it closes.</summary>
public class RunnerTests
{
    private static readonly AsyncLocal<string?> s_ambient = new();

    // asyncio's test_run_keeps_context: each main returns what it found, then sets its own value.
    private static async Coroutine<string?> Swap(string value)
    {
        var old = s_ambient.Value;
        await Asyncio.Sleep(0);
        s_ambient.Value = value;
        return old;
    }

    [Fact]
    public void Run_Twice_UsesOneLoopAndATaskLeftPendingByTheFirstRunGoesOnInTheSecond()
    {
        var log = new List<string>();
        using var runner = new Runner(LoopClock.Virtual);

        async Coroutine Background()
        {
            log.Add("background: start");
            await Asyncio.Sleep(1);
            log.Add("background: woke at " + Asyncio.GetRunningLoop().Time());
        }

        async Coroutine<Loop> First()
        {
            _ = Asyncio.CreateTask(Background());
            await Asyncio.Sleep(0);
            log.Add("first: done");
            return Asyncio.GetRunningLoop();
        }

        async Coroutine<Loop> Second()
        {
            await Asyncio.Sleep(2);
            log.Add("second: done");
            return Asyncio.GetRunningLoop();
        }

        var first = runner.Run(First());
        var second = runner.Run(Second());
        Assert.Same(first, second);
        Assert.Same(runner.GetLoop(), first);
        Assert.Equal(["background: start", "first: done", "background: woke at 1", "second: done"], log);
    }

    [Fact]
    public void Run_MainSetsAnAsyncLocal_TheNextRunStartsWithItAndTheCallerNeverSeesIt()
    {
        using var runner = new Runner(LoopClock.Virtual);

        s_ambient.Value = "caller";
        Assert.Equal("caller", runner.Run(Swap("one")));
        Assert.Equal("one", runner.Run(Swap("two")));
        Assert.Equal("two", runner.Run(Swap("three")));
        Assert.Equal("caller", s_ambient.Value);
    }

    // asyncio's run(coro, context=...): that run uses the given context, and the runner's own carries on
    // untouched by it.
    [Fact]
    public void Run_WithAContext_UsesItAndLeavesTheRunnersOwnAsItWas()
    {
        using var runner = new Runner(LoopClock.Virtual);

        s_ambient.Value = "other";
        var other = ExecutionContext.Capture()!;
        s_ambient.Value = null;
        Assert.Null(runner.Run(Swap("runner's")));
        Assert.Equal("other", runner.Run(Swap("lost"), context: other));
        Assert.Equal("runner's", runner.Run(Swap("again")));
    }

    [Fact]
    public void Close_WithLeftovers_CancelsThemInCreationOrderReportsTheOneThatFailedAndClosesTheLoop()
    {
        var log = new List<string>();
        var reports = new List<ExceptionContext>();
        var runner = new Runner(LoopClock.Virtual);
        runner.GetLoop().SetExceptionHandler((_, c) => reports.Add(c));

        async Coroutine Leftover(string name, bool failOnCancel)
        {
            try
            {
                await Asyncio.Sleep(10);
            }
            catch (CancelledException)
            {
                log.Add(name + ": cancelled");
                if (failOnCancel) throw new InvalidOperationException(name + " broke while cleaning up");
                throw;
            }
        }

        async Coroutine Main()
        {
            _ = Asyncio.CreateTask(Leftover("a", false), name: "a");
            _ = Asyncio.CreateTask(Leftover("b", true), name: "b");
            _ = Asyncio.CreateTask(Leftover("c", false), name: "c");
            await Asyncio.Sleep(0);
        }

        runner.Run(Main());
        var loop = runner.GetLoop();
        Assert.Empty(log);
        runner.Close();

        Assert.Equal(["a: cancelled", "b: cancelled", "c: cancelled"], log);
        var report = Assert.Single(reports);
        Assert.Equal("unhandled exception during asyncio.run() shutdown", report.Message);
        Assert.Equal("b broke while cleaning up", Assert.IsType<InvalidOperationException>(report.Exception).Message);
        Assert.Equal("b", ((ILoopTask)report["task"]!).Name);
        Assert.True(loop.IsClosed);

        Assert.Equal("Runner is closed", Assert.Throws<InvalidOperationException>(() => runner.Run(Leftover("d", false))).Message);
        Assert.Equal("Runner is closed", Assert.Throws<InvalidOperationException>(runner.GetLoop).Message);
        runner.Close();
        runner.Dispose();
    }

    [Fact]
    public void Close_BeforeTheLoopWasMade_ChangesNothingAndTheRunnerStillRuns()
    {
        var runner = new Runner(LoopClock.Virtual);
        runner.Close();
        Assert.Equal(5, runner.Run(Asyncio.Sleep(1, 5)));
        runner.Close();
        Assert.Throws<InvalidOperationException>(runner.GetLoop);
    }

    [Fact]
    public void Run_FromInsideARunningLoop_IsRefusedBeforeTheRunnerMakesItsLoop()
    {
        var made = 0;
        var runner = new Runner(() => { made++; return new Loop(LoopClock.Virtual); });
        string? message = null;

        async Coroutine Main()
        {
            await Asyncio.Sleep(0);
            message = Assert.Throws<InvalidOperationException>(() => runner.Run(Asyncio.Sleep(0, 1))).Message;
        }

        Asyncio.Run(Main(), LoopClock.Virtual);
        Assert.Equal("Runner.run() cannot be called from a running event loop", message);
        Assert.Equal(0, made);
        Assert.Equal(2, runner.Run(Asyncio.Sleep(0, 2)));
        Assert.Equal(1, made);
        runner.Close();
    }

    [Fact]
    public void Close_FromItsOwnRunningMain_IsRefusedAndTheRunnerKeepsWorking()
    {
        using var runner = new Runner(LoopClock.Virtual);
        string? message = null;

        async Coroutine Main()
        {
            await Asyncio.Sleep(0);
            message = Assert.Throws<InvalidOperationException>(runner.Close).Message;
        }

        runner.Run(Main());
        Assert.Equal("Runner.close() cannot be called from a running event loop", message);
        Assert.False(runner.GetLoop().IsClosed);
        Assert.Equal(3, runner.Run(Asyncio.Sleep(0, 3)));
    }

    [Fact]
    public void Run_MainFails_TheExceptionReachesTheCallerAndTheRunnerRunsAgain()
    {
        using var runner = new Runner(LoopClock.Virtual);

        static async Coroutine<int> Fails()
        {
            await Asyncio.Sleep(0);
            throw new FormatException("bad input");
        }

        Assert.Equal("bad input", Assert.Throws<FormatException>(() => runner.Run(Fails())).Message);
        Assert.Equal(4, runner.Run(Asyncio.Sleep(0, 4)));
    }

    [Fact]
    public void Run_TokenCancelledWhileMainWaits_MainIsCancelledAtItsAwaitAndCleansUp()
    {
        using var runner = new Runner();
        using var source = new CancellationTokenSource();
        var log = new List<string>();

        async Coroutine Main()
        {
            try
            {
                log.Add("waiting");
                source.CancelAfter(TimeSpan.FromMilliseconds(20));
                await Asyncio.Sleep(30);
            }
            catch (CancelledException)
            {
                log.Add("cleaning up");
                throw;
            }
        }

        Assert.Throws<CancelledException>(() => runner.Run(Main(), source.Token));
        Assert.Equal(["waiting", "cleaning up"], log);
    }

    [Fact]
    public void Runner_MadeWithoutAFactory_IsTheCurrentLoopUntilClosedThenThePreviousOneIsBack()
    {
        var before = Asyncio.NewEventLoop();
        Asyncio.SetEventLoop(before);
        try
        {
            var runner = new Runner(LoopClock.Virtual, debug: true);
            var loop = runner.GetLoop();
            Assert.Same(loop, Asyncio.GetEventLoop());
            Assert.True(loop.Debug);
            Assert.Equal(LoopClock.Virtual, loop.Clock);
            runner.Close();
            Assert.Same(before, Asyncio.GetEventLoop());
        }
        finally
        {
            Asyncio.SetEventLoop(null);
            before.Close();
        }
    }

    [Fact]
    public void Runner_MadeWithAFactory_UsesItsLoopOnceAndDoesNotMakeItCurrent()
    {
        var made = 0;
        var before = Asyncio.NewEventLoop();
        Asyncio.SetEventLoop(before);
        try
        {
            var runner = new Runner(() => { made++; return new Loop(LoopClock.Virtual); }, debug: false);
            var loop = runner.GetLoop();
            Assert.Same(loop, runner.GetLoop());
            Assert.Same(before, Asyncio.GetEventLoop());
            Assert.False(loop.Debug);
            Assert.Equal(6, runner.Run(Asyncio.Sleep(1, 6)));
            runner.Close();
            Assert.Equal(1, made);
            Assert.True(loop.IsClosed);
            Assert.Same(before, Asyncio.GetEventLoop());
        }
        finally
        {
            Asyncio.SetEventLoop(null);
            before.Close();
        }
    }

    [Fact]
    public void Runner_FactoryReturnsAClosedLoop_IsRefusedWithWhatWasWrong()
    {
        var closed = new Loop(LoopClock.Virtual);
        closed.Close();
        var runner = new Runner(() => closed);
        Assert.Equal("The loop factory returned a closed loop", Assert.Throws<InvalidOperationException>(runner.GetLoop).Message);
    }

    [Fact]
    public void RunAndClose_FromAnotherThread_AreRefusedAndChangeNothing()
    {
        using var runner = new Runner(LoopClock.Virtual);
        var loop = runner.GetLoop();
        string? runMessage = null, closeMessage = null;
        var other = new Thread(() =>
        {
            runMessage = Assert.Throws<InvalidOperationException>(() => runner.Run(Asyncio.Sleep(0, 1))).Message;
            closeMessage = Assert.Throws<InvalidOperationException>(runner.Close).Message;
        });
        other.Start();
        other.Join();
        Assert.Equal("Runner.Run() was called from another thread than the one that made the runner's loop; call it from that thread", runMessage);
        Assert.Equal("Runner.Close() was called from another thread than the one that made the runner's loop; call it from that thread", closeMessage);
        Assert.False(loop.IsClosed);
        Assert.Empty(loop.LiveTasks);
        Assert.Equal(7, runner.Run(Asyncio.Sleep(0, 7)));
    }

    [Fact]
    public void AsyncioRun_WithAFactory_RunsOnThatLoopAndClosesIt()
    {
        Loop? made = null;

        static async Coroutine<bool> Main(Func<Loop?> made)
        {
            await Asyncio.Sleep(1);
            return ReferenceEquals(Asyncio.GetRunningLoop(), made());
        }

        Assert.True(Asyncio.Run(Main(() => made), () => made = new Loop(LoopClock.Virtual), debug: true));
        Assert.True(made!.IsClosed);
        Assert.True(made.Debug);
    }

    // asyncio's Runner.close runs shutdown_asyncgens() and shutdown_default_executor() as tasks of their
    // own before closing, so callbacks scheduled late still get iterations. CPython 3.13 prints, for the
    // same program (coroutine names aside): 0: [] / 1: [shutdown_asyncgens] / 2: [] /
    // 3: [shutdown_default_executor] / 4: [].
    [Fact]
    public void Close_RunsTheTwoShutdownStepsAsTasksOfTheirOwn_CallbacksScheduledLateStillRun()
    {
        var log = new List<string>();

        void Chain(int n)
        {
            var names = Asyncio.AllTasks().Select(t => t.ToString()!.Split("coro=<")[1].Split("()")[0]);
            log.Add($"{n}: [{string.Join(", ", names)}]");
            if (n < 9) Asyncio.GetRunningLoop().CallSoon(() => Chain(n + 1));
        }

#pragma warning disable CS1998
        async Coroutine<int> Main()
        {
            Asyncio.GetRunningLoop().CallSoon(() => Chain(0));
            return 1;
        }
#pragma warning restore CS1998

        Assert.Equal(1, Asyncio.Run(Main(), LoopClock.Virtual));
        Assert.Equal(["0: []", "1: [ShutdownAsyncgens]", "2: []", "3: [ShutdownDefaultExecutor]", "4: []"], log);
    }

    // Closing waits for executor jobs (asyncio joins its default executor's threads), and refuses new ones.
    [Fact]
    public void Close_WaitsForAToThreadJobNobodyAwaited_AndTheExecutorRefusesLaterJobs()
    {
        var finished = false;
        Loop? loop = null;

        async Coroutine Main()
        {
            loop = Asyncio.GetRunningLoop();
            _ = Asyncio.ToThread(() =>
            {
                Thread.Sleep(200);
                finished = true;
            });
            await Asyncio.Sleep(0);
        }

        using (var runner = new Runner())
        {
            runner.Run(Main());
            Assert.False(finished);
        }
        Assert.True(finished);
        Assert.Equal("Event loop is closed", Assert.Throws<InvalidOperationException>(() => loop!.RunInExecutor(() => 1)).Message);

        using var open = new Loop(LoopClock.Virtual);
        open.RunUntilComplete(open.ShutdownDefaultExecutor());
        Assert.Equal("Executor shutdown has been called", Assert.Throws<InvalidOperationException>(() => open.RunInExecutor(() => 1)).Message);
    }
}

