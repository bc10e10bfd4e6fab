using Xunit;

namespace Aio.Examples;

/// <summary>
/// Behaviour of the composition tools that the ported scenarios do not pin down, each checked
/// against what CPython prints for the same program (3.11 for what has not changed since; the rest
/// from SEMANTICS.md and CPython's current sources, as each test says).
/// </summary>
public class CompositionTests
{
    private static string Run(Func<StringWriter, Coroutine> main)
    {
        var output = new StringWriter { NewLine = "\n" };
        Asyncio.Run(main(output), LoopClock.Virtual);
        return output.ToString();
    }

    private static async Coroutine Fail(string message)
    {
        await Asyncio.Sleep(0);
        throw new InvalidOperationException(message);
    }

    [Fact]
    public void TaskGroup_BodyRaisesBeforeChildRuns_ChildCancelledAndOnlyBodyErrorInGroup() => Assert.Equal(
        "KeyNotFoundException | cancelling() = 0\n",
        Run(async o =>
        {
            try
            {
                await TaskGroup.Run(async tg =>
                {
                    _ = tg.CreateTask(Fail("child"));
                    throw new KeyNotFoundException("body");
                });
            }
            catch (ExceptionGroup eg)
            {
                o.WriteLine($"{string.Join(", ", eg.InnerExceptions.Select(e => e.GetType().Name))} | cancelling() = {Asyncio.CurrentTask()!.Cancelling()}");
            }
        }));

    [Fact]
    public void TaskGroup_ChildFailsThenBodyRaises_ChildErrorFirstBodyErrorLast() => Assert.Equal(
        "child, body\n",
        Run(async o =>
        {
            try
            {
                await TaskGroup.Run(async tg =>
                {
                    _ = tg.CreateTask(Fail("child"));
                    try
                    {
                        await Asyncio.Sleep(1);
                    }
                    catch (CancelledException)
                    {
                        throw new KeyNotFoundException("body");
                    }
                });
            }
            catch (ExceptionGroup eg)
            {
                o.WriteLine(string.Join(", ", eg.InnerExceptions.Select(e => e.Message)));
            }
        }));

    [Fact]
    public void TaskGroup_ChildCancelledByUser_IsNotAnError() => Assert.Equal(
        "child cancelled = True\n",
        Run(async o =>
        {
            LoopTask? t = null;
            await TaskGroup.Run(async tg =>
            {
                t = tg.CreateTask(Sleeper(1));
                await Asyncio.Sleep(0);
                t.Cancel();
            });
            o.WriteLine($"child cancelled = {t!.Cancelled}");
        }));

    private static async Coroutine Sleeper(double seconds) => await Asyncio.Sleep(seconds);

    // asyncio 3.15's TaskGroup.cancel(): children and body cancelled, the block exits without raising.
    [Fact]
    public void TaskGroup_Cancel_CancelsChildrenAndBodyAndExitsWithoutRaising() => Assert.Equal(
        "body cancelled at its await\nblock exited normally; child cancelled = True; cancelling() = 0; repr <TaskGroup cancelling>\n",
        Run(async o =>
        {
            var tg = new TaskGroup();
            LoopTask? child = null;
            await tg.Run(async () =>
            {
                child = tg.CreateTask(Sleeper(1));
                Asyncio.GetRunningLoop().CallSoon(tg.Cancel);
                try
                {
                    await Asyncio.Sleep(1);
                }
                catch (CancelledException)
                {
                    o.WriteLine("body cancelled at its await");
                    throw;
                }
            });
            o.WriteLine($"block exited normally; child cancelled = {child!.Cancelled}; cancelling() = {Asyncio.CurrentTask()!.Cancelling()}; repr {tg}");
        }));

    [Fact]
    public void TaskGroup_CancelBeforeEntering_CancelsTheBlockOnEntry() => Assert.Equal(
        "body cancelled at its first await; block exited normally\n",
        Run(async o =>
        {
            var tg = new TaskGroup();
            tg.Cancel();
            try
            {
                await tg.Run(async () => await Asyncio.Sleep(1));
            }
            finally
            {
                o.WriteLine("body cancelled at its first await; block exited normally");
            }
        }));

    [Fact]
    public void TaskGroup_RunWithResult_ReturnsTheBodysValueAfterEveryChild() => Assert.Equal(
        "42 after children 1+2\n",
        Run(async o =>
        {
            LoopTask<int>? a = null, b = null;
            var answer = await TaskGroup.Run(async tg =>
            {
                a = tg.CreateTask(Asyncio.Sleep(0.02, 1));
                b = tg.CreateTask(Asyncio.Sleep(0.01, 2));
                await Asyncio.Sleep(0);
                return 42;
            });
            o.WriteLine($"{answer} after children {a!.Result()}+{b!.Result()}");
        }));

    [Fact]
    public void TimeoutScope_ToString_ShowsEachState() => Assert.Equal(
        "<Timeout [created]>\n<Timeout [active] when=None>\n<Timeout [active] when=1.235>\n<Timeout [finished]>\n<Timeout [expired]> CancelledError\n",
        Run(async o =>
        {
            var loop = Asyncio.GetRunningLoop();
            var cm = Asyncio.Timeout(null);
            o.WriteLine(cm);
            await cm.Run(async () =>
            {
                o.WriteLine(cm);
                cm.Reschedule(loop.Time() + 1.23456);
                o.WriteLine(cm);
            });
            o.WriteLine(cm);
            var zero = Asyncio.Timeout(0);
            try
            {
                await zero.Run(async () => await Asyncio.Sleep(1));
            }
            catch (TimeoutException e)
            {
                o.WriteLine($"{zero} {Conformance.Py.TypeName(e.InnerException!)}");
            }
        }));

    [Fact]
    public void TimeoutScope_BlockRaisesOtherExceptionAfterExpiry_ThatExceptionPropagates() => Assert.Equal(
        "KeyNotFoundException | cancelling() = 0\n",
        Run(async o =>
        {
            try
            {
                await Asyncio.Timeout(0.01, async () =>
                {
                    try
                    {
                        await Asyncio.Sleep(1);
                    }
                    catch (CancelledException)
                    {
                        throw new KeyNotFoundException("k");
                    }
                });
            }
            catch (KeyNotFoundException e)
            {
                o.WriteLine($"{e.GetType().Name} | cancelling() = {Asyncio.CurrentTask()!.Cancelling()}");
            }
        }));

    [Fact]
    public void Timeout_OutsideARunningLoop_Throws()
    {
        var e = Assert.Throws<InvalidOperationException>(() => Asyncio.Timeout(1));
        Assert.Equal("no running event loop", e.Message);
    }

    [Fact]
    public void Wait_FirstCompleted_ReturnsWhenOneIsDone() => Assert.Equal(
        "done = b | pending = a\n",
        Run(async o =>
        {
            var a = Asyncio.CreateTask(Sleeper(0.02), name: "a");
            var b = Asyncio.CreateTask(Sleeper(0.01), name: "b");
            var (done, pending) = await Asyncio.Wait([a, b], returnWhen: ReturnWhen.FirstCompleted);
            o.WriteLine($"done = {string.Join(",", done.Select(t => ((ILoopTask)t).Name))} | pending = {string.Join(",", pending.Select(t => ((ILoopTask)t).Name))}");
            await a;
        }));

    [Fact]
    public void Wait_OnDoneFutures_StillYieldsOneIteration() => Assert.Equal(
        "callback ran first: True | done = 1\n",
        Run(async o =>
        {
            var loop = Asyncio.GetRunningLoop();
            var f = loop.CreateFuture<int>();
            f.SetResult(1);
            var ran = false;
            loop.CallSoon(() => ran = true);
            var (done, _) = await Asyncio.Wait([f]);
            o.WriteLine($"callback ran first: {ran} | done = {done.Count}");
        }));

    [Fact]
    public void Gather_ReturnExceptionsAndCancelledGather_RaisesCancelledEvenIfChildrenSwallowed() => Assert.Equal(
        "cancel -> True\nCancelledError\n",
        Run(async o =>
        {
            async Coroutine<string> Swallow()
            {
                try
                {
                    await Asyncio.Sleep(1);
                }
                catch (CancelledException)
                {
                }
                return "swallowed";
            }

            var g = Asyncio.Gather([Swallow(), Swallow()], returnExceptions: true);
            await Asyncio.Sleep(0);
            o.WriteLine($"cancel -> {g.Cancel()}");
            try
            {
                await g;
            }
            catch (CancelledException)
            {
                o.WriteLine("CancelledError");
            }
        }));

    [Fact]
    public void Gather_TypedCoroutines_FirstStepsFollowArgumentOrder() => Assert.Equal(
        "start a\nstart b\nstart c\n[3, 1, 2]\n",
        Run(async o =>
        {
            async Coroutine<int> Job(string name, double seconds, int value)
            {
                o.WriteLine($"start {name}");
                await Asyncio.Sleep(seconds);
                return value;
            }

            int[] results = await Asyncio.Gather(Job("a", 0.03, 3), Job("b", 0.01, 1), Job("c", 0.02, 2));
            o.WriteLine($"[{string.Join(", ", results)}]");
        }));

    [Fact]
    public void Shield_InnerFailsAfterShieldCancelled_InnerRunsOnAndShieldStaysCancelled() => Assert.Equal(
        "inner failed; shield cancelled = True\n",
        Run(async o =>
        {
            async Coroutine<int> Late()
            {
                await Asyncio.Sleep(0.01);
                throw new ArgumentException("late");
            }

            var inner = Asyncio.CreateTask(Late());
            var s = Asyncio.Shield(inner);
            s.Cancel();
            try
            {
                await inner;
            }
            catch (ArgumentException)
            {
                o.WriteLine($"inner failed; shield cancelled = {s.Cancelled}");
            }
        }));

    // SEMANTICS §8: timeout <= 0 wraps the awaitable in a task and cancels it before its first step.
    [Fact]
    public void WaitFor_ZeroTimeoutOnCoroutine_NeverRunsItAndRaisesTimeout() => Assert.Equal(
        "TimeoutError; body ran = False\n",
        Run(async o =>
        {
            var ran = false;

            async Coroutine<int> Body()
            {
                ran = true;
                await Asyncio.Sleep(0);
                return 1;
            }

            try
            {
                await Asyncio.WaitFor(Body(), 0);
            }
            catch (TimeoutException)
            {
                o.WriteLine($"TimeoutError; body ran = {ran}");
            }
        }));

    [Fact]
    public void WaitFor_ZeroTimeoutOnDoneFuture_ReturnsItsResult() => Assert.Equal(
        "7\n",
        Run(async o =>
        {
            var f = Asyncio.GetRunningLoop().CreateFuture<int>();
            f.SetResult(7);
            o.WriteLine(await Asyncio.WaitFor(f, 0));
        }));

    // SEMANTICS §3.8: an eager task that finishes in its first step is done when CreateTask returns,
    // and its done callbacks still go through call_soon.
    [Fact]
    public void CreateTask_EagerStartFinishingAtOnce_IsDoneOnReturnAndCallbacksStillDeferred() => Assert.Equal(
        "in child, current task = child\nafter create: done = True, current task = Main\ncallback runs later\n",
        Run(async o =>
        {
            async Coroutine<int> Child()
            {
                o.WriteLine($"in child, current task = {Asyncio.CurrentTask()!.Name}");
                return 1;
            }

            Asyncio.CurrentTask()!.Name = "Main";
            var t = Asyncio.CreateTask(Child(), name: "child", eagerStart: true);
            t.AddDoneCallback(_ => o.WriteLine("callback runs later"));
            o.WriteLine($"after create: done = {t.Done}, current task = {Asyncio.CurrentTask()!.Name}");
            await Asyncio.Sleep(0);
        }));

    [Fact]
    public void CreateTask_EagerStartOnALoopThatIsNotRunning_StartsLazily()
    {
        var loop = new Loop(LoopClock.Virtual);
        var ran = false;

        async Coroutine Child()
        {
            ran = true;
            await Asyncio.Sleep(0);
        }

        var t = loop.CreateTask(Child(), eagerStart: true);
        Assert.False(ran);
        loop.RunUntilComplete(t);
        Assert.True(ran);
        loop.Close();
    }

    [Fact]
    public void AsCompleted_AsAnIAsyncEnumerable_YieldsTheOriginalFuturesInCompletionOrder() => Assert.Equal(
        "fast slow\n",
        Run(async o =>
        {
            var slow = Asyncio.CreateTask(Asyncio.Sleep(0.02, "slow"));
            var fast = Asyncio.CreateTask(Asyncio.Sleep(0.01, "fast"));
            IAsyncEnumerable<Future<string>> inCompletionOrder = Asyncio.AsCompleted([slow, fast]);
            var names = new List<string>();
            await using var e = inCompletionOrder.GetAsyncEnumerator();
            while (await e.MoveNextAsync()) names.Add(e.Current.Result());
            o.WriteLine(string.Join(" ", names));
        }));

    [Fact]
    public void AsCompleted_Coroutines_ResultsInCompletionOrder() => Assert.Equal(
        "b a\n",
        Run(async o =>
        {
            var order = new List<string>();
            foreach (var next in Asyncio.AsCompleted([Asyncio.Sleep(0.02, "a"), Asyncio.Sleep(0.01, "b")])) order.Add(await next);
            o.WriteLine(string.Join(" ", order));
        }));

    // Two readers of as_completed over two futures wait; `finish` completes the first future and, in
    // some order, cancels reader a. Returns what reader b got and how a ended.
    private static string TwoReaders(Action<Future<string>, ILoopTask> finish)
    {
        using var loop = new Loop(LoopClock.Virtual);
        var reports = new List<string>();
        loop.SetExceptionHandler((_, c) => reports.Add(c.Message));
        var f1 = loop.CreateFuture<string>();
        var f2 = loop.CreateFuture<string>();

        async Coroutine<string> Main()
        {
            using var readers = Asyncio.AsCompleted([f1, f2]).GetEnumerator();
            readers.MoveNext();
            var a = Asyncio.CreateTask(readers.Current, name: "a");
            readers.MoveNext();
            var b = Asyncio.CreateTask(readers.Current, name: "b");
            await Asyncio.Sleep(0);
            finish(f1, a);
            var got = await b;
            await Asyncio.Wait([a]);
            return $"b got {got}, a cancelled: {a.Cancelled}";
        }

        var outcome = loop.RunUntilComplete(Main());
        Assert.Empty(reports);
        return outcome;
    }

    // asyncio's as_completed hands completions to its readers through a Queue, whose wake-up skips a
    // getter already cancelled: a reader cancelled after a completion was queued for delivery but
    // before it was handed out is passed over, and the next reader gets the result.
    [Fact]
    public void AsCompleted_AReaderCancelledBeforeTheCompletionReachesIt_IsPassedOverAndTheNextReaderGetsIt() =>
        Assert.Equal("b got one, a cancelled: True", TwoReaders((f1, a) =>
        {
            f1.SetResult("one");
            a.Cancel();
        }));

    // A reader woken with a completion but cancelled before it ran passes the wake-up on, as asyncio.Queue's
    // get does when its woken getter is cancelled while items remain.
    [Fact]
    public void AsCompleted_AReaderWokenThenCancelledBeforeItRuns_PassesTheCompletionToTheNextReader() =>
        Assert.Equal("b got one, a cancelled: True", TwoReaders((f1, a) =>
        {
            // Registered after as_completed's own callback, so it runs after a was woken and before a's step.
            f1.AddDoneCallback(_ => a.Cancel());
            f1.SetResult("one");
        }));

    // asyncio's TaskGroup drops its errors when the exit has raised them: the repr counts errors only
    // while the group runs.
    [Fact]
    public void TaskGroup_Repr_CountsErrorsWhileAbortingAndNotAfterTheExit()
    {
        TaskGroup? group = null;
        string? during = null;

        async Coroutine Fails()
        {
            await Asyncio.Sleep(0);
            throw new FormatException("child");
        }

        async Coroutine Main()
        {
            try
            {
                await TaskGroup.Run(async tg =>
                {
                    group = tg;
                    _ = tg.CreateTask(Fails());
                    try
                    {
                        await Asyncio.Sleep(1);
                    }
                    catch (CancelledException)
                    {
                        during = tg.ToString();
                        throw;
                    }
                });
            }
            catch (ExceptionGroup)
            {
            }
        }

        Asyncio.Run(Main(), LoopClock.Virtual);
        Assert.Equal("<TaskGroup errors=1 cancelling>", during);
        Assert.Equal("<TaskGroup cancelling>", group!.ToString());
    }

    // as_completed cancels its timeout once every input is done, so the timer never sets when the loop
    // wakes (CPython's _AsCompletedIterator cancels its _timeout_handle when nothing is left to do).
    [Fact]
    public void AsCompleted_EveryInputDone_CancelsItsTimeoutSoTheVirtualClockDoesNotJumpToIt()
    {
        var loop = new Loop(LoopClock.Virtual);

        async Coroutine<int> Main()
        {
            var f = loop.CreateFuture<int>();
            f.SetResult(7);
            var sum = 0;
            foreach (var next in Asyncio.AsCompleted(new[] { f }, timeout: 100)) sum += await next;
            return sum;
        }

        Assert.Equal(7, loop.RunUntilComplete(Main()));
        IdleRuns.UntilStoppedFromAnotherThread(loop);
        Assert.Equal(0.0, loop.Time());
        loop.Close();
    }

    // wait_for with a timeout of 0 on a pending future cancels it and raises TimeoutError from the
    // cancellation (CPython 3.12+: `raise TimeoutError from exc`), which .NET carries as the inner exception.
    [Fact]
    public void WaitFor_ZeroTimeoutOnAPendingFuture_RaisesTimeoutErrorCausedByItsCancellation()
    {
        TimeoutException? caught = null;
        Future<int>? pending = null;

        async Coroutine Main()
        {
            pending = Asyncio.GetRunningLoop().CreateFuture<int>();
            try
            {
                await Asyncio.WaitFor(pending, 0);
            }
            catch (TimeoutException e)
            {
                caught = e;
            }
        }

        Asyncio.Run(Main(), LoopClock.Virtual);
        Assert.True(pending!.Cancelled);
        Assert.IsType<CancelledException>(caught!.InnerException);
    }

    // wait(FIRST_EXCEPTION) reads the exception of a future that fails while others are pending, which
    // counts as retrieving it: nothing is reported as never retrieved (CPython's _on_completion calls
    // f.exception() to decide).
    [Fact]
    public void Wait_FirstException_CountsAsRetrievingTheFailedFuturesException()
    {
        var loop = new Loop(LoopClock.Virtual) { Debug = true };
        var reports = new List<string>();
        loop.SetExceptionHandler((_, c) => reports.Add(c.Message));

        async Coroutine<string> Main()
        {
            var failing = loop.CreateFuture<int>();
            var other = loop.CreateFuture<int>();
            loop.CallSoon(() => failing.SetException(new InvalidOperationException("boom")));
            var (done, pending) = await Asyncio.Wait(new[] { failing, other }, returnWhen: ReturnWhen.FirstException);
            other.Cancel();
            return $"{done.Single() == failing} {pending.Single() == other}";
        }

        Assert.Equal("True True", loop.RunUntilComplete(Main()));
        loop.Close();
        Assert.Empty(reports);
    }

    // shield() takes its callback off the inner future when the outer one ends first (CPython's
    // _outer_done_callback), so the inner future is left as if it had never been shielded.
    [Fact]
    public void Shield_OuterCancelledFirst_TakesItsCallbackOffTheInnerFuture()
    {
        string? before = null, after = null;

        async Coroutine Main()
        {
            var inner = Asyncio.GetRunningLoop().CreateFuture<int>();
            var outer = Asyncio.Shield(inner);
            before = inner.ToString();
            outer.Cancel();
            // The outer future's done callbacks run in the next iteration, before this task's next step.
            await Asyncio.Sleep(0);
            after = inner.ToString();
            inner.Cancel();
        }

        Asyncio.Run(Main(), LoopClock.Virtual);
        Assert.Equal("<Future pending cb=[shield.<locals>._inner_done_callback()]>", before);
        Assert.Equal("<Future pending>", after);
    }

    private static async Coroutine FailAfterASecond()
    {
        await Asyncio.Sleep(1);
        throw new InvalidOperationException("late");
    }

    // A child that fails after its group's parent task has finished cannot cancel that task any more: the
    // failure goes to the loop's exception handler instead (CPython's TaskGroup._on_task_done). Reached
    // when a group is entered in a task and not left before that task ends (asyncio: __aenter__ without
    // __aexit__): here the block runs in an `async Task` helper the parent starts and never awaits.
    [Fact]
    public void TaskGroup_ChildFailsAfterTheParentTaskFinished_IsReportedToTheExceptionHandler()
    {
        var loop = new Loop(LoopClock.Virtual);
        var reports = new List<string>();
        loop.SetExceptionHandler((_, c) => reports.Add($"{c.Message} | {c.Exception?.Message}"));
        var group = new TaskGroup();

        async Task Helper() => await group.Run(async () =>
        {
            _ = group.CreateTask(FailAfterASecond(), name: "late");
            await Asyncio.Sleep(100);
        });

#pragma warning disable CS1998
        async Coroutine Parent()
        {
            _ = Helper();
        }
#pragma warning restore CS1998

        loop.RunUntilComplete(loop.CreateTask(Parent(), name: "parent"));
        loop.RunUntilComplete(loop.CreateTask(Asyncio.Sleep(2, 0)));
        Assert.Equal(
            ["Task <Task finished name='late' coro=<FailAfterASecond()> exception=InvalidOperationException('late')> has errored out but its parent task <Task finished name='parent' coro=<Parent()> result=None> is already completed | late"],
            reports);
    }
}
