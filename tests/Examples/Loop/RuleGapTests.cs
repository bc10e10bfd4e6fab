using Xunit;

namespace Aio.Examples;

/// <summary>
/// Rules of SEMANTICS §1–§5 that a rule-by-rule read of the suite found unpinned (issue 12, point 7):
/// each test fails when its rule alone is broken in the shell. The expected values are CPython 3.13's,
/// checked against its asyncio.
/// </summary>
public class RuleGapTests
{
    private static readonly AsyncLocal<string?> s_value = new();

    // §1.4: run_until_complete stopped early raises, and leaves no stop callback on the future behind.
    [Fact]
    public void RunUntilComplete_StoppedBeforeTheFutureIsDone_RaisesAndRemovesItsStopCallback()
    {
        var loop = new Loop(LoopClock.Virtual);
        var f = loop.CreateFuture<int>();
        loop.CallSoon(loop.Stop);
        var e = Assert.Throws<InvalidOperationException>(() => loop.RunUntilComplete(f));
        Assert.Equal("Event loop stopped before Future completed.", e.Message);
        Assert.Equal("<Future pending>", f.ToString());
        // A stale stop callback would end this run at 0 when f completes.
        loop.CallSoon(() => f.SetResult(1));
        loop.CallLater(1, loop.Stop);
        loop.RunForever();
        Assert.Equal(1.0, loop.Time());
        loop.Close();
    }

    // §2.4 / §3.2: awaiting another loop's future suspends; the error is thrown in at a step of its own,
    // one iteration later, with asyncio's text (the task's repr as it was when it awaited).
    [Fact]
    public void AwaitingAnotherLoopsFuture_RaisesAtTheAwaitOneIterationLater()
    {
        var a = new Loop(LoopClock.Virtual);
        var b = new Loop(LoopClock.Virtual);
        var log = new List<string>();
        var foreign = b.CreateFuture<int>();

        async Coroutine Waiter()
        {
            log.Add("awaiting");
            try
            {
                await foreign;
            }
            catch (InvalidOperationException e)
            {
                log.Add(e.Message);
            }
        }

        async Coroutine Main()
        {
            var t = Asyncio.CreateTask(Waiter(), name: "W");
            a.CallSoon(() => log.Add("soon"));
            await Asyncio.Sleep(0);
            log.Add($"main: t.done={t.Done}");
            await t;
        }

        a.CallLater(5, a.Stop);
        a.RunUntilComplete(Main());
        Assert.Equal(
            ["awaiting", "soon", "main: t.done=False", "Task <Task pending name='W' coro=<Waiter()>> got Future <Future pending> attached to a different loop"],
            log);
        Assert.Equal(0.0, a.Time());
        Assert.Equal("<Future pending>", foreign.ToString());
        a.Close();
        b.Close();
    }

    // §2.4: plain async code on the loop (an `async Task` helper a coroutine calls) awaiting another
    // loop's future raises at that await too, one iteration later, and registers nothing on the other
    // loop's future.
    [Fact]
    public void AsyncTaskHelper_AwaitingAnotherLoopsFuture_RaisesAtItsAwait_AndLeavesThatFutureAlone()
    {
        // The real clock: the helper's Task reaches Main through the thread pool, and a virtual clock
        // would jump to the bounding timer before it arrives.
        var a = new Loop();
        var b = new Loop();
        var foreign = b.CreateFuture<int>();
        var log = new List<string>();

        async Task<int> Helper()
        {
            log.Add("helper awaits");
            return await foreign;
        }

        async Coroutine Main()
        {
            a.CallSoon(() => log.Add("soon"));
            try
            {
                await Helper();
            }
            catch (InvalidOperationException e)
            {
                log.Add(e.Message);
            }
        }

        // A bound: a helper registered on the other loop's future would never resume; the run then stops.
        var bound = a.CallLater(10, a.Stop);
        a.RunUntilComplete(Main());
        bound.Cancel();
        Assert.Equal(["helper awaits", "soon", "<Future pending> belongs to another loop than the one running on this thread: await it on its own loop, or through AsTask()."], log);
        Assert.Equal("<Future pending>", foreign.ToString());
        a.Close();
        b.Close();
    }

    // §3.2: awaiting its own task is an error thrown in at the next step, after what was queued before.
    [Fact]
    public void AwaitingItsOwnTask_RaisesTaskCannotAwaitOnItself_AtTheNextStep()
    {
        var loop = new Loop(LoopClock.Virtual);
        var log = new List<string>();
        LoopTask? self = null;

        async Coroutine Self()
        {
            log.Add("awaiting itself");
            loop.CallSoon(() => log.Add("soon"));
            try
            {
                await self!;
            }
            catch (InvalidOperationException e)
            {
                log.Add(e.Message);
            }
        }

        self = loop.CreateTask(Self(), name: "S");
        loop.CallLater(5, loop.Stop);
        loop.RunUntilComplete(self);
        // CPython: ... coro=<Self() running at …> cb=[_run_until_complete_cb() at …]>
        Assert.Equal(["awaiting itself", "soon", "Task cannot await on itself: <Task pending name='S' coro=<Self()> cb=[_run_until_complete_cb()]>"], log);
        Assert.True(self.Done);
        Assert.False(self.Cancelled);
        Assert.Equal(0.0, loop.Time());
        loop.Close();
    }

    // §3.4: a task that cancels itself raises at its next await at once, even a long sleep's, and one
    // that returns after cancelling itself ends cancelled with its message.
    [Fact]
    public void SelfCancel_RaisesAtTheNextAwaitAtOnce_AndAReturnAfterItEndsCancelled()
    {
        var loop = new Loop(LoopClock.Virtual);
        var log = new List<string>();

        async Coroutine SleepsAfterCancellingItself()
        {
            Asyncio.CurrentTask()!.Cancel("self");
            try
            {
                await Asyncio.Sleep(3600);
            }
            catch (CancelledException e)
            {
                log.Add($"{e.CancelMessage} at {loop.Time()}");
                throw;
            }
        }

        async Coroutine<int> ReturnsAfterCancellingItself()
        {
            Asyncio.CurrentTask()!.Cancel("r");
            return 5;
        }

        var a = loop.CreateTask(SleepsAfterCancellingItself());
        var b = loop.CreateTask(ReturnsAfterCancellingItself());
        var e = Assert.Throws<CancelledException>(() => loop.RunUntilComplete(b));
        Assert.Equal("r", e.CancelMessage);
        Assert.True(b.Cancelled);
        Assert.Throws<CancelledException>(() => loop.RunUntilComplete(a));
        Assert.Equal(["self at 0"], log);
        Assert.True(a.Cancelled);
        Assert.Equal(0.0, loop.Time());
        loop.Close();
    }

    // §2.3: a done callback runs in the execution context captured when it was added.
    [Fact]
    public void DoneCallback_RunsInTheContextCapturedWhenItWasAdded()
    {
        var loop = new Loop(LoopClock.Virtual);
        var f = loop.CreateFuture<int>();
        string? seen = null;
        s_value.Value = "at add";
        f.AddDoneCallback(_ => seen = s_value.Value);
        s_value.Value = "at complete";
        f.SetResult(1);
        loop.CallSoon(loop.Stop);
        loop.RunForever();
        Assert.Equal("at add", seen);
        Assert.Equal("at complete", s_value.Value);
        s_value.Value = null;
        loop.Close();
    }

    // §2.3, with the two ways a done callback keeps its context: one added from the default context
    // sees no value though the loop's thread has one while it runs it, one added with a value set sees
    // that value, and RemoveDoneCallback removes a callback whatever context it was added in.
    [Fact]
    public void DoneCallback_FromTheDefaultContextOrAnother_RunsInItAndIsRemovedByDelegate()
    {
        var loop = new Loop(LoopClock.Virtual);
        var f = loop.CreateFuture<int>();
        var seen = new List<string>();
        Action<Future> removed = _ => seen.Add("removed one ran");
        FromTheDefaultContext(() => f.AddDoneCallback(_ => seen.Add($"default: {s_value.Value ?? "none"}")));
        s_value.Value = "at add";
        f.AddDoneCallback(_ => seen.Add($"set: {s_value.Value ?? "none"}"));
        f.AddDoneCallback(removed);
        s_value.Value = null;
        Assert.Equal(1, f.RemoveDoneCallback(removed));
        s_value.Value = "loop thread";
        f.SetResult(1);
        loop.CallSoon(loop.Stop);
        loop.RunForever();
        Assert.Equal(["default: none", "set: at add"], seen);
        Assert.Equal("loop thread", s_value.Value);
        s_value.Value = null;
        loop.Close();
    }

    // Runs `action` on a thread nothing flowed into, so what it captures is the default context.
    private static void FromTheDefaultContext(Action action)
    {
        var thread = new Thread(() => action());
        thread.UnsafeStart();
        thread.Join();
    }

    // §2.3: call_soon runs its callback in the context captured when it was scheduled: one scheduled
    // with a value set sees it, and one scheduled from the default context sees none, even though the
    // loop's thread has a value of its own while it runs them.
    [Fact]
    public void CallSoon_RunsInTheContextCapturedWhenScheduled_DefaultOneIncluded()
    {
        var loop = new Loop(LoopClock.Virtual);
        var seen = new List<string>();
        s_value.Value = "scheduler";
        loop.CallSoon(() => seen.Add($"set: {s_value.Value ?? "none"}"));
        FromTheDefaultContext(() => loop.CallSoonThreadsafe(() => seen.Add($"default: {s_value.Value ?? "none"}")));
        s_value.Value = "loop thread";
        loop.CallSoon(loop.Stop);
        loop.RunForever();
        Assert.Equal(["set: scheduler", "default: none"], seen);
        Assert.Equal("loop thread", s_value.Value);
        s_value.Value = null;
        loop.Close();
    }

    // §3.1: a task's first step runs in the context captured when the task was created.
    [Fact]
    public void Task_RunsInTheContextCapturedAtItsCreation_NotItsCreatorsLaterOne()
    {
        s_value.Value = "runner";

        static async Coroutine<string?> Child()
        {
            await Asyncio.Sleep(0);
            return s_value.Value;
        }

        static async Coroutine<string?> Parent()
        {
            s_value.Value = "parent at create";
            var t = Asyncio.CreateTask(Child());
            s_value.Value = "parent later";
            return await t;
        }

        Assert.Equal("parent at create", Asyncio.Run(Parent(), LoopClock.Virtual));
        Assert.Equal("runner", s_value.Value);
        s_value.Value = null;
    }

    // §1.4: run_until_complete refuses another loop's future before running anything.
    [Fact]
    public void RunUntilComplete_OnAnotherLoopsFuture_RaisesBeforeRunning()
    {
        var a = new Loop(LoopClock.Virtual);
        var b = new Loop(LoopClock.Virtual);
        a.CallLater(1, a.Stop);
        var e = Assert.Throws<ArgumentException>(() => a.RunUntilComplete(b.CreateFuture<int>()));
        Assert.Equal("The future belongs to a different loop than the one specified as the loop argument", e.Message);
        Assert.Equal(0.0, a.Time());
        Assert.Equal(0L, a.Iterations);
        a.Close();
        b.Close();
    }

    // §1.4: a run refused because the loop runs already wraps nothing in a task first.
    [Fact]
    public void RunUntilComplete_OnARunningLoop_IsRefusedBeforeTheCoroutineIsWrapped()
    {
        var ran = false;
        string? refusal = null;
        int tasksAfterRefusal = -1;

        async Coroutine Body()
        {
            ran = true;
            await Asyncio.Sleep(0);
        }

        async Coroutine Main()
        {
            var loop = Asyncio.GetRunningLoop();
            try
            {
                loop.RunUntilComplete(Body());
            }
            catch (InvalidOperationException e)
            {
                refusal = e.Message;
            }
            tasksAfterRefusal = Asyncio.AllTasks().Count;
            await Asyncio.Sleep(0);
            await Asyncio.Sleep(0);
        }

        Asyncio.Run(Main(), LoopClock.Virtual);
        Assert.Equal("This event loop is already running", refusal);
        Assert.Equal(1, tasksAfterRefusal);
        Assert.False(ran);
    }

    // §3.1 / §1.5: the free CreateTask needs a running loop and never makes one.
    [Fact]
    public void FreeCreateTask_WithoutARunningLoop_RaisesNoRunningEventLoop_AndMakesNoLoop()
    {
        var ran = false;

        async Coroutine Body()
        {
            ran = true;
            await Asyncio.Sleep(0);
        }

        async Coroutine<int> Value()
        {
            ran = true;
            await Asyncio.Sleep(0);
            return 1;
        }

        Asyncio.SetEventLoop(null);
        var e = Assert.Throws<InvalidOperationException>(() => Asyncio.CreateTask(Body()));
        Assert.Equal("no running event loop", e.Message);
        var typed = Assert.Throws<InvalidOperationException>(() => Asyncio.CreateTask(Value()));
        Assert.Equal("no running event loop", typed.Message);
        Assert.False(ran);
        Assert.Equal("no running event loop", Assert.Throws<InvalidOperationException>(() => Asyncio.GetRunningLoop()).Message);
    }

    // §3.0: a task's result is its coroutine's to set.
    [Fact]
    public void Task_RefusesSetResultAndSetException_AndKeepsItsCoroutinesResult()
    {
        var loop = new Loop(LoopClock.Virtual);

        static async Coroutine<int> Seven()
        {
            await Asyncio.Sleep(0);
            return 7;
        }

        var task = loop.CreateTask(Seven());
        Assert.Equal("Task does not support set_exception operation", Assert.Throws<InvalidOperationException>(() => task.SetException(new KeyNotFoundException())).Message);
        Assert.Equal("Task does not support set_result operation", Assert.Throws<InvalidOperationException>(() => task.SetResult(1)).Message);
        Assert.Equal(7, loop.RunUntilComplete(task));
        loop.Close();
    }

    // §4: a NaN sleep is refused where it is awaited (asyncio.sleep is a coroutine: making it raises
    // nothing), with asyncio's words, and the clock does not move.
    [Fact]
    public void Sleep_NaN_IsRefusedWithArgumentExceptionWhenAwaited()
    {
        var messages = new List<string>();
        var notYetAwaited = Asyncio.Sleep(double.NaN);
        _ = Asyncio.Sleep(double.NaN, "r");

        async Coroutine Main()
        {
            try
            {
                await notYetAwaited;
            }
            catch (ArgumentException e) when (e.GetType() == typeof(ArgumentException))
            {
                messages.Add(e.Message);
            }
            try
            {
                await Asyncio.Sleep(double.NaN, "r");
            }
            catch (ArgumentException e) when (e.GetType() == typeof(ArgumentException))
            {
                messages.Add(e.Message);
            }
            messages.Add($"t={Asyncio.GetRunningLoop().Time()}");
        }

        Asyncio.Run(Main(), LoopClock.Virtual);
        Assert.Equal(3, messages.Count);
        Assert.Equal("Invalid delay: NaN (not a number)", messages[0]);
        Assert.Equal("Invalid delay: NaN (not a number)", messages[1]);
        Assert.Equal("t=0", messages[2]);
    }
    // §1.6: a fatal exception (asyncio's KeyboardInterrupt) leaves RunForever as it was thrown; the
    // handler never sees it, and the rest of the batch runs first in the next run.
    [Fact]
    public void FatalException_InACallback_LeavesRunForever_AndTheRestOfTheBatchRunsNextRun()
    {
        var loop = new Loop(LoopClock.Virtual);
        var order = new List<string>();
        var handled = new List<string>();
        loop.SetExceptionHandler((_, c) => handled.Add(c.Message));
        var fatal = new OutOfMemoryException("simulated");
        loop.CallSoon(() => order.Add("first"));
        loop.CallSoon(() => throw fatal);
        loop.CallSoon(() => order.Add("third"));
        // A bound: a loop that kept the exception would stop here instead of hanging the suite.
        var bound = loop.CallLater(1, loop.Stop);
        Assert.Same(fatal, Assert.Throws<OutOfMemoryException>(() => loop.RunForever()));
        bound.Cancel();
        Assert.False(loop.IsRunning);
        Assert.Equal(["first"], order);
        Assert.Empty(handled);
        loop.CallSoon(() => throw new InsufficientMemoryException("refused in advance"));
        loop.CallSoon(loop.Stop);
        loop.RunForever();
        Assert.Equal(["first", "third"], order);
        // An InsufficientMemoryException is an ordinary error: the handler gets it, the loop goes on.
        Assert.Equal(["Exception in callback FatalException_InACallback_LeavesRunForever_AndTheRestOfTheBatchRunsNextRun()"], handled);
        loop.Close();
    }

    // §1.6 / §3: a task whose coroutine raises a fatal exception ends with it and raises it on, out of
    // the loop (asyncio's task sets KeyboardInterrupt as its exception, then re-raises it).
    [Fact]
    public void FatalException_InATask_EndsTheTaskWithIt_AndLeavesTheLoop()
    {
        var loop = new Loop(LoopClock.Virtual);
        var after = false;

        static async Coroutine Interrupted()
        {
            await Asyncio.Sleep(0);
            throw new ThreadInterruptedException("interrupted");
        }

        var t = loop.CreateTask(Interrupted());
        // Run until a later future, not the task: a task that kept the exception would let the loop go
        // on to t = 1, and the run would return normally.
        var later = loop.CreateFuture<int>();
        loop.CallLater(1, () =>
        {
            after = true;
            later.SetResult(1);
        });
        var e = Assert.Throws<ThreadInterruptedException>(() => loop.RunUntilComplete(later));
        Assert.Equal("interrupted", e.Message);
        Assert.True(t.Done);
        Assert.Same(e, t.Exception());
        Assert.False(loop.IsRunning);
        Assert.False(after);
        Assert.Equal(0.0, loop.Time());
        loop.Close();
    }

    // §1.5: asyncio.run waits for every leftover task, however many steps its cleanup takes.
    [Fact]
    public void AsyncioRun_WaitsForEveryLeftoversCleanup_EvenOneThatTakesSeveralSteps()
    {
        var log = new List<string>();

        async Coroutine Quick() => await Asyncio.Sleep(3600);

        async Coroutine Slow()
        {
            try
            {
                await Asyncio.Sleep(3600);
            }
            catch (CancelledException)
            {
                for (var i = 0; i < 3; i++) await Asyncio.Sleep(0);
                log.Add("slow cleaned up");
                throw;
            }
        }

        async Coroutine Main()
        {
            _ = Asyncio.CreateTask(Quick());
            _ = Asyncio.CreateTask(Slow());
            await Asyncio.Sleep(0);
        }

        Asyncio.Run(Main(), LoopClock.Virtual);
        Assert.Equal(["slow cleaned up"], log);
    }

    // §5: ensure_future refuses a future of another loop, typed or not, with asyncio's text.
    [Fact]
    public void EnsureFuture_WithAnotherLoopsFuture_RaisesArgumentException()
    {
        var loop = new Loop(LoopClock.Virtual);
        var other = new Loop(LoopClock.Virtual);
        const string text = "The future belongs to a different loop than the one specified as the loop argument";
        var typed = Assert.Throws<ArgumentException>(() => Asyncio.EnsureFuture(other.CreateFuture<int>(), loop));
        Assert.Equal(text, typed.Message);
        var untyped = Assert.Throws<ArgumentException>(() => Asyncio.EnsureFuture((object)other.CreateFuture<int>(), loop));
        Assert.Equal(text, untyped.Message);
        var own = loop.CreateFuture<int>();
        Assert.Same(own, Asyncio.EnsureFuture(own, loop));
        loop.Close();
        other.Close();
    }

    // §3.8: eager children that finished inside CreateTask are counted by Gather and TaskGroup at once.
    [Fact]
    public void EagerChildrenAlreadyDone_GatherReturnsTheirResults_TaskGroupRaisesTheirError()
    {
        static async Coroutine<int> Now(int v) => v;

        static async Coroutine<int> FailsNow() => throw new KeyNotFoundException("at once");

        ExceptionGroup? group = null;

        async Coroutine<int[]> Main()
        {
            Asyncio.GetRunningLoop().SetTaskFactory(Asyncio.EagerTaskFactory);
            var results = await Asyncio.WaitFor(Asyncio.Gather(Asyncio.CreateTask(Now(1)), Asyncio.CreateTask(Now(2))), 1);
            try
            {
                await TaskGroup.Run(async tg =>
                {
                    _ = tg.CreateTask(FailsNow());
                    _ = tg.CreateTask(Now(3));
                    await Asyncio.Sleep(0);
                });
            }
            catch (ExceptionGroup g)
            {
                group = g;
            }
            return results;
        }

        Assert.Equal([1, 2], Asyncio.Run(Main(), LoopClock.Virtual));
        var only = Assert.Single(group!.InnerExceptions);
        Assert.Equal("at once", Assert.IsType<KeyNotFoundException>(only).Message);
    }

    // §3.6: a failed task hands out the very exception object its coroutine raised, every time.
    [Fact]
    public void FailedTask_GivesTheSameExceptionObject_ToAwaitResultAndException()
    {
        var raised = new InvalidOperationException("outer", new KeyNotFoundException("inner"));

        async Coroutine<int> Fails()
        {
            await Asyncio.Sleep(0);
            throw raised;
        }

        async Coroutine<int> Main()
        {
            var t = Asyncio.CreateTask(Fails());
            try
            {
                await t;
            }
            catch (InvalidOperationException first)
            {
                Assert.Same(raised, first);
            }
            Assert.Same(raised, Assert.Throws<InvalidOperationException>(() => t.Result()));
            Assert.Same(raised, t.Exception());
            try
            {
                await t;
            }
            catch (InvalidOperationException again)
            {
                Assert.Same(raised, again);
                return 1;
            }
            return 0;
        }

        Assert.Equal(1, Asyncio.Run(Main(), LoopClock.Virtual));
    }

    // §1.5: asyncio.run raises main's own exception and closes the loop it made.
    [Fact]
    public void AsyncioRun_RaisesMainsException_AndClosesItsLoop()
    {
        Loop? seen = null;

        async Coroutine Main()
        {
            seen = Asyncio.GetRunningLoop();
            await Asyncio.Sleep(0);
            throw new KeyNotFoundException("main failed");
        }

        var e = Assert.Throws<KeyNotFoundException>(() => Asyncio.Run(Main(), LoopClock.Virtual));
        Assert.Equal("main failed", e.Message);
        Assert.True(seen!.IsClosed);
    }

    // §1.3: a timer's When is its absolute deadline on the loop's clock.
    [Fact]
    public void TimerHandle_When_IsTheAbsoluteDeadline()
    {
        double later = 0, at = 0;

        async Coroutine Main()
        {
            await Asyncio.Sleep(5);
            var loop = Asyncio.GetRunningLoop();
            later = loop.CallLater(2, () => { }).When;
            at = loop.CallAt(9, () => { }).When;
        }

        Asyncio.Run(Main(), LoopClock.Virtual);
        Assert.Equal(7.0, later);
        Assert.Equal(9.0, at);
    }

    // §1.5: get_event_loop makes a loop once and keeps it; new_event_loop never becomes the current one.
    [Fact]
    public void GetEventLoop_KeepsTheLoopItMakes_NewEventLoopIsNotCurrent()
    {
        Asyncio.SetEventLoop(null);
        var made = Asyncio.GetEventLoop();
        Assert.Same(made, Asyncio.GetEventLoop());
        var fresh = Asyncio.NewEventLoop();
        Assert.NotSame(fresh, Asyncio.GetEventLoop());
        fresh.Close();
        made.Close();
        Asyncio.SetEventLoop(null);
    }
    // §2.6: Close() reports leftovers only in debug mode, and a report made then is not made again
    // when the collector finalizes the same future later.
    [Fact]
    public void Close_ReportsLeftoversOnlyInDebugMode_AndEachOnlyOnce()
    {
        var quiet = new Loop(LoopClock.Virtual);
        var quietReports = new List<string>();
        quiet.SetExceptionHandler((_, c) => { lock (quietReports) quietReports.Add(c.Message); });
        var quietParked = quiet.CreateFuture<int>();
        var quietTask = quiet.CreateTask(AwaitGate(quietParked));
        var quietFailed = quiet.CreateFuture<int>();
        quietFailed.SetException(new InvalidOperationException("never read"));
        quiet.CallSoon(quiet.Stop);
        quiet.RunForever();
        quiet.Close();
        Assert.Empty(quietReports);
        GC.KeepAlive(quietTask);
        GC.KeepAlive(quietFailed);

        var debug = new Loop(LoopClock.Virtual) { Debug = true };
        var reports = new List<string>();
        debug.SetExceptionHandler((_, c) => { lock (reports) reports.Add(c.Message); });
        MakeLeftovers(debug);
        debug.CallSoon(debug.Stop);
        debug.RunForever();
        debug.Close();
        for (var i = 0; i < 2; i++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
        }
        // Order-free: a collection before Close() may report the future from the finalizer first.
        lock (reports) Assert.Equal(["Future exception was never retrieved", "Task was destroyed but it is pending!"], reports.Order());
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static void MakeLeftovers(Loop loop)
    {
        _ = loop.CreateTask(AwaitGate(loop.CreateFuture<int>()));
        loop.CreateFuture<int>().SetException(new InvalidOperationException("never read"));
    }

    private static async Coroutine<int> AwaitGate(Future<int> gate) => await gate;

    // §1.6: the default handler writes the message, the context's other keys and the exception.
    [Fact]
    public void DefaultHandler_WritesTheMessageTheHandleAndTheException()
    {
        var loop = new Loop(LoopClock.Virtual);
        var stderr = Console.Error;
        var captured = new StringWriter();
        Console.SetError(captured);
        try
        {
            loop.CallSoon(() => throw new InvalidOperationException("boom"));
            loop.CallSoon(loop.Stop);
            loop.RunForever();
        }
        finally
        {
            Console.SetError(stderr);
        }
        var lines = captured.ToString().Split(Environment.NewLine);
        Assert.StartsWith("Exception in callback DefaultHandler_WritesTheMessageTheHandleAndTheException", lines[0]);
        Assert.StartsWith("handle: <Handle ", lines[1]);
        Assert.StartsWith("System.InvalidOperationException: boom", lines[2]);
        loop.Close();
    }

    // §1.6: as asyncio's default_exception_handler, the other keys come in sorted order with the repr of
    // their value, and an empty message becomes "Unhandled exception in event loop".
    [Fact]
    public void DefaultHandler_WritesTheOtherKeysSortedWithTheirRepr()
    {
        using var loop = new Loop(LoopClock.Virtual);
        var stderr = Console.Error;
        var captured = new StringWriter();
        Console.SetError(captured);
        try
        {
            loop.CallExceptionHandler(new ExceptionContext("hello") { ["zeta"] = "str", ["alpha"] = 1 });
            loop.CallExceptionHandler(new ExceptionContext("") { ["n"] = null });
        }
        finally
        {
            Console.SetError(stderr);
        }
        Assert.Equal(["hello", "alpha: 1", "zeta: 'str'", "Unhandled exception in event loop", "n: None", ""], captured.ToString().Split(Environment.NewLine));
    }

    private static readonly AsyncLocal<string?> s_request = new();

    // asyncio 3.12+ runs a custom handler in the context of the handle (or task) the report is about:
    // it sees what the failing callback saw, and the loop's own context is left as it was.
    [Fact]
    public void CustomHandler_RunsInTheContextOfTheHandleWhoseCallbackFailed()
    {
        using var loop = new Loop(LoopClock.Virtual);
        var seen = new List<string?>();
        loop.SetExceptionHandler((_, c) => seen.Add($"{c.Exception?.Message} in {c.Handle?.GetType().Name}: {s_request.Value}"));

        async Coroutine Main()
        {
            s_request.Value = "request 7";
            loop.CallSoon(() => throw new InvalidOperationException("boom"));
            await Asyncio.Sleep(0);
        }

        s_request.Value = null;
        loop.RunUntilComplete(Main());
        Assert.Equal(["boom in ContextHandle: request 7"], seen);
        Assert.Null(s_request.Value);
        // asyncio's Handle.get_context(): the context the callback was scheduled in.
        s_request.Value = "scheduled here";
        var handle = loop.CallSoon(() => { });
        s_request.Value = null;
        string? inHandleContext = null;
        ExecutionContext.Run(handle.GetContext()!, _ => inHandleContext = s_request.Value, null);
        Assert.Equal("scheduled here", inHandleContext);
    }

    // §5: a task made by EnsureFuture starts whether or not anything awaits it.
    [Fact]
    public void EnsureFuture_OfACoroutine_StartsTheTaskWithoutAnAwait()
    {
        var ran = false;

        async Coroutine Body()
        {
            ran = true;
            await Asyncio.Sleep(0);
        }

        async Coroutine<bool> Main()
        {
            var t = Asyncio.EnsureFuture(Body());
            await Asyncio.Sleep(0);
            await Asyncio.Sleep(0);
            return t.Done;
        }

        Assert.True(Asyncio.Run(Main(), LoopClock.Virtual));
        Assert.True(ran);
    }
}
