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

        Asyncio.SetEventLoop(null);
        var e = Assert.Throws<InvalidOperationException>(() => Asyncio.CreateTask(Body()));
        Assert.Equal("no running event loop", e.Message);
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

    // §4: a NaN sleep is refused where it is written, and the clock does not move.
    [Fact]
    public void Sleep_NaN_IsRefusedWithArgumentException()
    {
        var messages = new List<string>();

        async Coroutine Main()
        {
            try
            {
                await Asyncio.Sleep(double.NaN);
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
        Assert.StartsWith("sleep length must not be NaN", messages[0]);
        Assert.StartsWith("sleep length must not be NaN", messages[1]);
        Assert.Equal("t=0", messages[2]);
    }
}
