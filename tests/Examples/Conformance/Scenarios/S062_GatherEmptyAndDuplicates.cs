namespace Aio.Examples.Conformance.Scenarios;

/// <summary>gather() with no arguments is an already-finished future with []; the same coroutine or future passed twice is run once and its result repeated.</summary>
public static class S062_GatherEmptyAndDuplicates
{
    public static void Run(TextWriter output)
    {
        var runs = 0;

        async Coroutine<int> Counted()
        {
            runs += 1;
            await Asyncio.Sleep(0);
            return 5;
        }

        async Coroutine Main()
        {
            var loop = Asyncio.GetRunningLoop();
            var g = Asyncio.Gather();
            Py.Print(output, "gather() done immediately:", g.Done, "| result:", g.Result());
            var c = Counted();
            Py.Print(output, "same coroutine twice:", await Asyncio.Gather(c, c), "| body ran", runs, "time(s)");
            var f = loop.CreateFuture<int>();
            loop.CallSoon(f.SetResult, 9);
            Py.Print(output, "same future twice:", await Asyncio.Gather(f, f));
        }

        var loop = Asyncio.NewEventLoop(LoopClock.Virtual);
        loop.RunUntilComplete(Main());
        loop.Close();
    }
}
