using System.Runtime.CompilerServices;
using Xunit;

namespace Aio.Examples;

/// <summary>
/// Rules of SEMANTICS §1–§5 that a wrong shell could break while the core's own suite stays green:
/// each test fails when its rule alone is broken (issue 12's mutation list).
/// </summary>
public class ShellRuleTests
{
    [Fact]
    public void AddDoneCallback_OnAFinishedFuture_GoesThroughCallSoonAfterWhatIsQueued()
    {
        var loop = new Loop(LoopClock.Virtual);
        var order = new List<string>();
        var f = loop.CreateFuture<int>();
        f.SetResult(1);
        loop.CallSoon(() => order.Add("queued first"));
        f.AddDoneCallback(_ => order.Add("done callback"));
        Assert.Empty(order);
        loop.CallSoon(loop.Stop);
        loop.RunForever();
        Assert.Equal(["queued first", "done callback"], order);
        loop.Close();
    }

    // CPython 3.13: <Future pending cb=[Task.task_wakeup()]>, and the task shows it as wait_for.
    [Fact]
    public void AWaiter_ShowsTheParkedTasksWakeupAsTaskTaskWakeup_AndPastTwoCallbacksTheFirstHowManyMoreAndTheLast()
    {
        var loop = new Loop(LoopClock.Virtual);
        var gate = loop.CreateFuture<int>();
        var task = loop.CreateTask(AwaitGate(gate), name: "parked");
        loop.CallSoon(loop.Stop);
        loop.RunForever();
        Assert.Equal("<Future pending cb=[Task.task_wakeup()]>", gate.ToString());
        Assert.Equal("<Task pending name='parked' coro=<AwaitGate()> wait_for=<Future pending cb=[Task.task_wakeup()]>>", task.ToString());
        gate.AddDoneCallback(Named);
        Assert.Equal("<Future pending cb=[Task.task_wakeup(), Named()]>", gate.ToString());
        // Past two callbacks asyncio shows the first, how many more, and the last (_format_callbacks).
        gate.AddDoneCallback(Other);
        Assert.Equal("<Future pending cb=[Task.task_wakeup(), <1 more>, Other()]>", gate.ToString());
        gate.AddDoneCallback(Named);
        Assert.Equal("<Future pending cb=[Task.task_wakeup(), <2 more>, Named()]>", gate.ToString());
        Assert.Equal("<Task pending name='parked' coro=<AwaitGate()> wait_for=<Future pending cb=[Task.task_wakeup(), <2 more>, Named()]>>", task.ToString());
        gate.SetResult(7);
        Assert.Equal(7, loop.RunUntilComplete(task));
        loop.Close();
    }

    private static async Coroutine<int> AwaitGate(Future<int> gate) => await gate;

    private static void Named(Future _) { }

    private static void Other(Future _) { }

    [Fact]
    public void CancelledHandle_InTheBatch_IsSkippedWhenItsTurnComes_TimerThatFellDueToo()
    {
        var loop = new Loop(LoopClock.Virtual);
        var order = new List<string>();
        var reports = new List<string>();
        loop.SetExceptionHandler((_, c) => reports.Add(c.Message));
        Handle? queued = null;
        TimerHandle? fellDue = null;
        loop.CallSoon(() =>
        {
            order.Add("first");
            queued!.Cancel();
            fellDue!.Cancel();
        });
        queued = loop.CallSoon(() => order.Add("cancelled while queued"));
        loop.CallSoon(() => order.Add("third"));
        // Due at the first iteration: it joins that batch behind the ready entries, then is cancelled.
        fellDue = loop.CallLater(0, () => order.Add("cancelled after falling due"));
        loop.CallSoon(loop.Stop);
        loop.RunForever();
        Assert.Equal(["first", "third"], order);
        Assert.True(queued.Cancelled);
        Assert.True(fellDue.Cancelled);
        Assert.Empty(reports);
        loop.Close();
    }

    // CPython: ['soon', 'negative', 'zero'] — a negative delay is an earlier deadline, not zero.
    [Fact]
    public void CallLater_NegativeDelay_IsAnEarlierDeadline_RunsBeforeAZeroDelayRegisteredFirst()
    {
        var loop = new Loop(LoopClock.Virtual);
        var order = new List<string>();
        loop.CallLater(0, () => order.Add("zero"));
        loop.CallLater(-1, () => order.Add("negative"));
        loop.CallSoon(() => order.Add("soon"));
        loop.CallLater(0.001, loop.Stop);
        loop.RunForever();
        Assert.Equal(["soon", "negative", "zero"], order);
        loop.Close();
    }

    // CPython 3.13: "outer got ('inner msg',)", then the task is cancelled with 'inner msg': a waiter that
    // failed with a CancelledError delivers the pending cancel itself, with its own message.
    [Fact]
    public void PendingCancel_WaiterFailedWithACancellation_RaisesTheWaitersOwnError()
    {
        var log = new List<string>();

        async Coroutine Outer(Future<int> f)
        {
            try
            {
                await f;
            }
            catch (CancelledException e)
            {
                log.Add("outer got " + e.CancelMessage);
                throw;
            }
        }

        async Coroutine Main()
        {
            var f = Asyncio.GetRunningLoop().CreateFuture<int>();
            var t = Asyncio.CreateTask(Outer(f));
            await Asyncio.Sleep(0);
            f.SetException(new CancelledException("inner msg"));
            log.Add("cancel -> " + t.Cancel("outer msg"));
            try
            {
                await t;
            }
            catch (CancelledException e)
            {
                log.Add($"t {e.CancelMessage} {t.Cancelled} {t.Cancelling()}");
            }
        }

        Asyncio.Run(Main(), LoopClock.Virtual);
        Assert.Equal(["cancel -> True", "outer got inner msg", "t inner msg True 1"], log);
    }

    [Fact]
    public void Gather_TheSameFutureTwice_WatchesItOnce()
    {
        var loop = new Loop(LoopClock.Virtual);
        var f = loop.CreateFuture<int>();
        loop.CallSoon(() => _ = Asyncio.Gather(f, f));
        loop.CallSoon(loop.Stop);
        loop.RunForever();
        // One done callback, the gather's own: its repr lists the callbacks.
        Assert.Equal(1, f.ToString().Split("()").Length - 1);
        loop.Close();
    }

    [Fact]
    public void Sleep_Cancelled_RemovesItsTimerSoTheVirtualClockDoesNotJumpToIt()
    {
        var loop = new Loop(LoopClock.Virtual);
        var t = loop.CreateTask(Asyncio.Sleep(3600, 0));
        loop.CallLater(1, () => t.Cancel());
        Assert.Throws<CancelledException>(() => loop.RunUntilComplete(t));
        // Run on, idle, until another thread stops the loop: with the sleep's timer gone there is no
        // deadline to jump to, so the clock stays where it was. (A run that never idles, such as one of
        // sleep(0), would pass with the timer still queued.)
        IdleRuns.UntilStoppedFromAnotherThread(loop);
        Assert.Equal(1.0, loop.Time());
        loop.Close();
    }

    // A cancelled TimerHandle leaves the timer queue at once, so it never sets when the loop wakes
    // (asyncio drops cancelled timers from the head of its heap before it computes the timeout).
    [Fact]
    public void TimerHandle_Cancelled_LeavesTheQueueSoTheVirtualClockDoesNotJumpToIt()
    {
        var loop = new Loop(LoopClock.Virtual);
        var fired = false;
        var handle = loop.CallLater(100, () => fired = true);
        handle.Cancel();
        IdleRuns.UntilStoppedFromAnotherThread(loop);
        Assert.False(fired);
        Assert.True(handle.Cancelled);
        Assert.Equal(0.0, loop.Time());
        loop.Close();
    }

    // asyncio's _make_cancelled_error hands a task's first reader the CancelledError its coroutine raised,
    // and every later reader a new one (without its message: the task was not cancel()ed with one).
    [Fact]
    public void CancelledTask_FirstReaderGetsTheCoroutinesOwnCancellation_LaterReadersANewOne()
    {
        var loop = new Loop(LoopClock.Virtual);
        var mine = new CancelledException("mine");
        async Coroutine<int> Body()
        {
            await Asyncio.Sleep(0);
            throw mine;
        }
        var t = loop.CreateTask(Body());
        var first = Assert.Throws<CancelledException>(() => loop.RunUntilComplete(t));
        var second = Assert.Throws<CancelledException>(() => t.Result());
        Assert.Same(mine, first);
        Assert.NotSame(mine, second);
        Assert.Null(second.CancelMessage);
        Assert.True(t.Cancelled);
        loop.Close();
    }

    // The task's token is cancelled with its first accepted Cancel(), delivered or not: a token asked for
    // after that is already cancelled, and stays so.
    [Fact]
    public void CancellationToken_AskedForAfterACancelNotYetDelivered_IsAlreadyCancelled()
    {
        var loop = new Loop(LoopClock.Virtual);
        var t = loop.CreateTask(Asyncio.Sleep(1000, 0));
        Assert.True(t.Cancel());
        var token = t.CancellationToken;
        Assert.True(token.IsCancellationRequested);
        Assert.Throws<CancelledException>(() => loop.RunUntilComplete(t));
        Assert.True(token.IsCancellationRequested);
        Assert.True(t.CancellationToken.IsCancellationRequested);
        loop.Close();
    }

    // asyncio's sleep completes its future with _set_result_unless_cancelled: a task cancelled by a callback
    // of the same batch in which its sleep's timer fell due ends cancelled, and the timer's turn passes
    // without a word (setting the result of a cancelled future would be an InvalidStateError).
    [Fact]
    public void Sleep_CancelledAfterItsTimerFellDueInTheSameBatch_EndsCancelledAndReportsNothing()
    {
        var loop = new Loop(LoopClock.Virtual);
        var reports = new List<string>();
        loop.SetExceptionHandler((_, c) => reports.Add($"{c.Message}: {c.Exception?.GetType().Name}"));
        var sleeper = loop.CreateTask(Asyncio.Sleep(1, 0));
        // Registered before the task's first step arms its sleep, at the same deadline: it runs first in
        // the batch that also holds the sleep's timer.
        loop.CallAt(1, () => sleeper.Cancel());
        Assert.Throws<CancelledException>(() => loop.RunUntilComplete(sleeper));
        Assert.True(sleeper.Cancelled);
        Assert.Empty(reports);
        Assert.Equal(1.0, loop.Time());
        loop.Close();
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void FailThenCancel(Loop loop, bool cancel)
    {
        static async Coroutine<int> Fails()
        {
            await Asyncio.Sleep(0);
            throw new KeyNotFoundException("failed");
        }

        var t = loop.CreateTask(Fails());
        while (!t.Done)
        {
            loop.CallSoon(loop.Stop);
            loop.RunForever();
        }
        if (cancel) Assert.False(t.Cancel());
    }

    [Fact]
    public void Cancel_OnATaskThatFailed_ReturnsFalseAndCountsAsRetrievingItsException()
    {
        var loop = new Loop(LoopClock.Virtual);
        var reports = new List<string>();
        loop.SetExceptionHandler((_, c) =>
        {
            lock (reports) reports.Add(c.Message);
        });
        FailThenCancel(loop, cancel: true);
        FailThenCancel(loop, cancel: false);
        for (var i = 0; i < 2; i++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
            GC.Collect();
        }
        lock (reports) Assert.Equal(["Task exception was never retrieved"], reports);
        loop.Close();
    }

    [Fact]
    public void AllTasksAndAsyncioRun_SeveralLeftovers_FollowCreationOrder()
    {
        var cancelled = new List<string>();
        var listed = new List<string>();

        async Coroutine Leftover(string name)
        {
            try
            {
                await Asyncio.Sleep(3600);
            }
            catch (CancelledException)
            {
                cancelled.Add(name);
                throw;
            }
        }

        async Coroutine Main()
        {
            foreach (var name in new[] { "c", "a", "d", "b" }) _ = Asyncio.CreateTask(Leftover(name), name: name);
            await Asyncio.Sleep(0);
            listed.AddRange(Asyncio.AllTasks().Select(t => t.Name).Where(n => n.Length == 1));
        }

        Asyncio.Run(Main(), LoopClock.Virtual);
        Assert.Equal(["c", "a", "d", "b"], listed);
        Assert.Equal(["c", "a", "d", "b"], cancelled);
    }

    // The registry reuses the slots of finished and parked tasks, the last freed first: the listing still
    // follows creation order.
    [Fact]
    public void AllTasks_AfterSlotsAreReused_FollowsCreationOrder()
    {
        var loop = new Loop(LoopClock.Virtual);
        var gate = loop.CreateFuture<int>();

        async Coroutine Quick() => await Asyncio.Sleep(0);

        async Coroutine<int> Parked() => await gate;

        // Never parks, so the strong slots are never all free at once.
        async Coroutine Spinning()
        {
            while (true) await Asyncio.Sleep(0);
        }

        var spinning = loop.CreateTask(Spinning(), name: "spinning");
        loop.CreateTask(Quick(), name: "first done");
        loop.CreateTask(Quick(), name: "second done");
        var parked = loop.CreateTask(Parked(), name: "parked");
        // Two iterations: "parked" leaves its strong slot for a weak one, then the two quick tasks leave theirs.
        for (var i = 0; i < 2; i++)
        {
            loop.CallSoon(loop.Stop);
            loop.RunForever();
        }
        var late = loop.CreateTask(Quick(), name: "late");
        var later = loop.CreateTask(Quick(), name: "later");

        Assert.Equal(["spinning", "parked", "late", "later"], Asyncio.AllTasks(loop).Select(t => t.Name));
        gate.SetResult(1);
        loop.RunUntilComplete(parked);
        loop.RunUntilComplete(later);
        Assert.True(late.Done);
        spinning.Cancel();
        Assert.Throws<CancelledException>(() => loop.RunUntilComplete(spinning));
        Assert.Empty(Asyncio.AllTasks(loop));
        loop.Close();
    }

    [Fact]
    public void AsyncioRun_Shutdown_ReportsOnlyTheLeftoversThatFailed_InCreationOrder()
    {
        var reports = new List<string>();

        async Coroutine<int> Leftover(string how)
        {
            try
            {
                await Asyncio.Sleep(3600);
                return 0;
            }
            catch (CancelledException)
            {
                if (how == "fails") throw new InvalidOperationException("cleanup failed");
                if (how == "returns") return 1;
                throw;
            }
        }

        async Coroutine Main()
        {
            Asyncio.GetRunningLoop().SetExceptionHandler((_, c) =>
                reports.Add($"{c.Message}: {c.Exception?.Message} in {((ILoopTask)c["task"]!).Name}"));
            foreach (var how in new[] { "fails", "returns", "cancelled", "fails" })
                _ = Asyncio.CreateTask(Leftover(how), name: $"{how}-{reports.Count + Asyncio.AllTasks().Count}");
            await Asyncio.Sleep(0);
        }

        Asyncio.Run(Main(), LoopClock.Virtual);
        Assert.Equal(
            [
                "unhandled exception during asyncio.run() shutdown: cleanup failed in fails-1",
                "unhandled exception during asyncio.run() shutdown: cleanup failed in fails-4",
            ],
            reports);
    }

    [Fact]
    public void VirtualLoop_OnlyTimerAtInfinity_WaitsForTheInboxInsteadOfJumping()
    {
        var loop = new Loop(LoopClock.Virtual);
        var fired = false;
        loop.CallAt(double.PositiveInfinity, () => fired = true);
        IdleRuns.UntilStoppedFromAnotherThread(loop);
        Assert.False(fired);
        Assert.Equal(0.0, loop.Time());
        loop.Close();
    }
    private static readonly AsyncLocal<string?> s_ambient = new();

    // remove_done_callback compares callbacks, not the contexts they were added in: one added while an
    // AsyncLocal was set (kept with its context) and the same delegate added without one are both
    // removed, each registration counted, and the rest keep their order and run.
    [Fact]
    public void RemoveDoneCallback_RemovesEveryRegistrationOfTheDelegate_WhateverContextItWasAddedIn()
    {
        var loop = new Loop(LoopClock.Virtual);
        var ran = new List<string>();
        Action<Future> target = _ => ran.Add("target");
        Action<Future> other = _ => ran.Add($"other {s_ambient.Value ?? "unset"}");
        var f = loop.CreateFuture<int>();
        var one = loop.CreateFuture<int>();
        s_ambient.Value = "at add";
        f.AddDoneCallback(target);
        f.AddDoneCallback(other);
        one.AddDoneCallback(target);
        s_ambient.Value = null;
        f.AddDoneCallback(target);
        Assert.Equal(2, f.RemoveDoneCallback(target));
        Assert.Equal(0, f.RemoveDoneCallback(target));
        Assert.Equal(1, one.RemoveDoneCallback(target));
        f.SetResult(1);
        one.SetResult(1);
        loop.CallSoon(loop.Stop);
        loop.RunForever();
        Assert.Equal(["other at add"], ran);
        loop.Close();
    }
}
