namespace Aio.Examples.Conformance.Scenarios;

/// <summary>A task may catch CancelledError and return normally: it ends finished (not cancelled) with that value; cancelling() stays 1 until someone calls uncancel().</summary>
public static class S040_SwallowCancellation
{
    public static void Run(TextWriter output)
    {
        async Coroutine<string> Stubborn()
        {
            try
            {
                await Asyncio.Sleep(1);
            }
            catch (CancelledException)
            {
                Py.Print(output, "stubborn: ignoring cancellation");
            }
            await Asyncio.Sleep(0);
            Py.Print(output, "stubborn: still running after ignoring it");
            return "kept going";
        }

        async Coroutine Main()
        {
            var t = Asyncio.CreateTask(Stubborn(), name: "S");
            await Asyncio.Sleep(0);
            Py.Print(output, "cancel() ->", t.Cancel());
            var r = await t;
            Py.Print(output, "result =", r, "| cancelled() =", t.Cancelled, "| cancelling() =", t.Cancelling());
        }

        var loop = Asyncio.NewEventLoop(LoopClock.Virtual);
        loop.RunUntilComplete(Main());
        loop.Close();
    }
}
