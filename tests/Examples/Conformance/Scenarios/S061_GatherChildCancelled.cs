namespace Aio.Examples.Conformance.Scenarios;

/// <summary>When one child (not gather) is cancelled and return_exceptions is False, gather raises CancelledError but is not itself 'cancelled', and the other children keep running.</summary>
public static class S061_GatherChildCancelled
{
    public static void Run(TextWriter output)
    {
        async Coroutine<string> Other(Future<object?> gate)
        {
            await gate;
            return "b";
        }

        async Coroutine Main()
        {
            var loop = Asyncio.GetRunningLoop();
            var gate = loop.CreateFuture<object?>();
            var a = Asyncio.CreateTask(Asyncio.Sleep(1, VoidResult.Value), name: "A");
            var b = Asyncio.CreateTask(Other(gate), name: "B");
            // Children of different result types: the mixed (object) overload.
            var g = Asyncio.Gather(a, b);
            await Asyncio.Sleep(0);
            a.Cancel("only A");
            try
            {
                await g;
            }
            catch (CancelledException e)
            {
                Py.Print(output, "gather raised CancelledError, message =", e.CancelMessage);
            }
            Py.Print(output, "gather done =", g.Done, "| gather cancelled() =", g.Cancelled);
            Py.Print(output, "B still running =", !b.Done);
            gate.SetResult(null);
            Py.Print(output, "B result =", await b);
        }

        var loop = Asyncio.NewEventLoop(LoopClock.Virtual);
        loop.RunUntilComplete(Main());
        loop.Close();
    }
}
