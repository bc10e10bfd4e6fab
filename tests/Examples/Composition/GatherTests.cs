using Xunit;

namespace Aio.Examples;

/// <summary>
/// Behaviour of Asyncio.Gather that no ported scenario pins down yet, checked against what
/// CPython prints for the same program.
/// </summary>
public class GatherTests
{
    [Fact]
    public void Cancel_TaskAwaitingGatherWhoseChildrenAllFinished_TaskStillGetsCancelledError()
    {
        var output = new StringWriter { NewLine = "\n" };

        async Coroutine Main()
        {
            var loop = Asyncio.GetRunningLoop();
            var f1 = loop.CreateFuture<int>();
            var f2 = loop.CreateFuture<int>();

            async Coroutine Body()
            {
                try
                {
                    var r = await Asyncio.Gather(f1, f2);
                    output.WriteLine($"got {r.Length}");
                }
                catch (CancelledException e)
                {
                    output.WriteLine($"cancelled {e.CancelMessage}");
                    throw;
                }
            }

            var t = Asyncio.CreateTask(Body(), name: "B");
            await Asyncio.Sleep(0);
            f1.SetResult(1);
            f2.SetResult(2);
            // The gather refuses (its children are done) yet the request must reach the task.
            output.WriteLine($"cancel -> {t.Cancel("m")}");
            try
            {
                await t;
            }
            catch (CancelledException)
            {
                output.WriteLine($"t cancelled {t.Cancelled}");
            }
        }

        Asyncio.Run(Main(), LoopClock.Virtual);
        Assert.Equal("cancel -> True\ncancelled m\nt cancelled True\n", output.ToString());
    }

    [Fact]
    public void Gather_SameFuturePassedTwice_GatheredOnceResultRepeated()
    {
        async Coroutine<int[]> Main()
        {
            var f = Asyncio.GetRunningLoop().CreateFuture<int>();
            f.SetResult(7);
            var gathered = Asyncio.Gather(f, f);
            Assert.True(gathered.Done);
            return await gathered;
        }

        Assert.Equal([7, 7], Asyncio.Run(Main(), LoopClock.Virtual));
    }

    // Past a thousand arguments the repeat check spreads them over several maps (to stay out of the
    // large-object heap); repeats must still be found, whatever map they fall in.
    [Fact]
    public void Gather_ThousandsOfArgumentsEachGivenTwice_EachChildWatchedOnceAndBothPlacesFilled()
    {
        const int Pending = 3_000, Finished = 1_000;
        var runs = 0;

        async Coroutine<int> Counted()
        {
            runs++;
            await Asyncio.Sleep(0);
            return -1;
        }

        async Coroutine<string> Main()
        {
            var loop = Asyncio.GetRunningLoop();
            var reported = 0;
            loop.SetExceptionHandler((_, _) => reported++);
            var futures = new List<Future<int>>();
            for (var i = 0; i < Pending + Finished; i++)
            {
                var f = loop.CreateFuture<int>();
                if (i >= Pending) f.SetResult(i);
                futures.Add(f);
            }
            var once = Counted();
            // Each argument twice, the second copies reversed so repeats sit far from their first place.
            var arguments = new List<object>(futures);
            arguments.Add(once);
            for (var i = futures.Count - 1; i >= 0; i--) arguments.Add(futures[i]);
            arguments.Add(once);
            var gathered = Asyncio.Gather(arguments);
            await Asyncio.Sleep(0);
            await Asyncio.Sleep(0);
            for (var i = 0; i < Pending - 1; i++) futures[i].SetResult(i);
            await Asyncio.Sleep(0);
            // Watched twice, some child would count for two and the gather would end here.
            var beforeLast = gathered.Done;
            futures[Pending - 1].SetResult(Pending - 1);
            var results = await gathered;
            var total = futures.Count;
            var wrong = Enumerable.Range(0, total).Count(i => !Equals(results[i], i) || !Equals(results[total + 1 + (total - 1 - i)], i));
            return $"done before last {beforeLast}, {results.Length} entries, {wrong} wrong, coroutine {results[total]}/{results[^1]}, ran {runs}, {reported} reported";
        }

        Assert.Equal("done before last False, 8002 entries, 0 wrong, coroutine -1/-1, ran 1, 0 reported", Asyncio.Run(Main(), LoopClock.Virtual));
    }

    // gather.cancel(msg) ends the gather with its last child's cancellation (asyncio raises
    // _make_cancelled_error() of the last child in argument order). Each line is what CPython 3.13
    // prints for the same program: "bye" only where the last child ended cancelled by it; a task that
    // swallowed the request had passed it to its waiter, so it holds no message of its own.
    [Fact]
    public void Cancel_GatherRaisesTheLastChildsCancellationNotItsOwnMessage()
    {
        var lines = new List<string>();

        static async Coroutine<string> Sleeper(double seconds)
        {
            await Asyncio.Sleep(seconds);
            return "slept";
        }

        static async Coroutine<string> Swallows()
        {
            try
            {
                await Asyncio.Sleep(10);
            }
            catch (CancelledException)
            {
            }
            return "swallowed";
        }

        async Coroutine Case(string label, Coroutine<string> first, Coroutine<string> last, bool returnExceptions)
        {
            var a = Asyncio.CreateTask(first);
            var b = Asyncio.CreateTask(last);
            var g = Asyncio.Gather([a, b], returnExceptions);
            await Asyncio.Sleep(0.01);
            var accepted = g.Cancel("bye");
            try
            {
                await g;
                lines.Add($"{label}: no exception");
            }
            catch (CancelledException e)
            {
                lines.Add($"{label}: accepted {accepted}, message '{e.Message}', gather cancelled {g.Cancelled}");
            }
        }

        async Coroutine Main()
        {
            await Case("swallowed, then done", Swallows(), Sleeper(0), false);
            await Case("pending, then done", Sleeper(10), Sleeper(0), true);
            await Case("done, then pending", Sleeper(0), Sleeper(10), true);
            await Case("pending, then swallows", Sleeper(10), Swallows(), true);
        }

        Asyncio.Run(Main(), LoopClock.Virtual);
        Assert.Equal(
        [
            "swallowed, then done: accepted True, message '', gather cancelled False",
            "pending, then done: accepted True, message '', gather cancelled False",
            "done, then pending: accepted True, message 'bye', gather cancelled False",
            "pending, then swallows: accepted True, message '', gather cancelled False",
        ], lines);
    }

    // asyncio's gather looks at each child as soon as it exists: a future still pending then is
    // watched through its callback even if a later argument's eager first step completes it, so the
    // gather finishes an iteration later; a child already done is counted at once.
    [Fact]
    public void Gather_EagerChildCompletesAnEarlierFuture_TheGatherFinishesThroughItsCallbackNotAtOnce()
    {
        var lines = new List<string>();

        async Coroutine Main()
        {
            var loop = Asyncio.GetRunningLoop();
            loop.SetTaskFactory(Asyncio.EagerTaskFactory);
            var early = loop.CreateFuture<int>();

#pragma warning disable CS1998 // the eager step is the point: it must finish without suspending
            async Coroutine<int> CompletesEarly()
            {
                early.SetResult(1);
                return 2;
            }
#pragma warning restore CS1998

            var g = Asyncio.Gather(early, CompletesEarly());
            lines.Add($"done when Gather returns: {g.Done}");
            var results = await g;
            lines.Add("results: " + string.Join(", ", results));

            var finished = loop.CreateFuture<int>();
            finished.SetResult(3);
            var already = Asyncio.Gather(finished, CompletesEarly2());
            lines.Add($"all finished before: done when Gather returns: {already.Done}");

#pragma warning disable CS1998
            static async Coroutine<int> CompletesEarly2() => 4;
#pragma warning restore CS1998
        }

        Asyncio.Run(Main(), LoopClock.Virtual);
        Assert.Equal(["done when Gather returns: False", "results: 1, 2", "all finished before: done when Gather returns: True"], lines);
    }

    // gather(return_exceptions=True) puts CancelledError('') in a cancelled child's place when it was
    // cancelled without a message (CPython: '' if fut._cancel_message is None).
    [Fact]
    public void Gather_ReturnExceptions_ChildCancelledWithoutAMessage_GivesACancelledErrorWithAnEmptyMessage()
    {
        object?[]? results = null;

        async Coroutine Main()
        {
            var loop = Asyncio.GetRunningLoop();
            var cancelled = loop.CreateFuture<int>();
            var done = loop.CreateFuture<int>();
            cancelled.Cancel();
            done.SetResult(2);
            results = await Asyncio.Gather(new object[] { cancelled, done }, returnExceptions: true);
        }

        Asyncio.Run(Main(), LoopClock.Virtual);
        Assert.Equal(2, results!.Length);
        Assert.Equal("", Assert.IsType<CancelledException>(results[0]).CancelMessage);
        Assert.Equal(2, results[1]);
    }

    // A task whose coroutine raised its cancellation (or never started) keeps no message of its own, as
    // asyncio's step cancels it with super().cancel(): gather(return_exceptions=True) puts
    // CancelledError('') in its place, and only the task's first reader gets the CancelledError with the
    // message. Printed by CPython (3.11; 3.13's tasks.py and C task do the same):
    // ["CancelledError('')", "CancelledError('')", '5'], then 'early', none, 'bye', none.
    [Fact]
    public void Gather_ReturnExceptions_TasksCancelledWithAMessage_GiveEmptyMessages_TheirFirstReaderTheMessage()
    {
        var lines = new List<string>();

        static async Coroutine Body() => await Asyncio.Sleep(10);

        static async Coroutine<int> Returns()
        {
            try
            {
                await Asyncio.Sleep(10);
            }
            catch (CancelledException)
            {
            }
            return 5;
        }

        async Coroutine Main()
        {
            var a = Asyncio.CreateTask(Body());
            var b = Asyncio.CreateTask(Body());
            a.Cancel("early");
            await Asyncio.Sleep(0);
            b.Cancel("bye");
            var d = Asyncio.CreateTask(Returns());
            await Asyncio.Sleep(0);
            d.Cancel("x");
            var results = await Asyncio.Gather(new object[] { a, b, d }, returnExceptions: true);
            lines.Add(string.Join(", ", results.Select(r => r is CancelledException c ? $"CancelledError({Repr.Of(c.CancelMessage)})" : Repr.Of(r))));
            foreach (var t in new[] { a, b })
                for (var i = 0; i < 2; i++)
                    lines.Add(Assert.Throws<CancelledException>(() => t.Result()).CancelMessage ?? "none");
        }

        Asyncio.Run(Main(), LoopClock.Virtual);
        Assert.Equal(["CancelledError(''), CancelledError(''), 5", "early", "none", "bye", "none"], lines);
    }
}
