namespace Aio.Examples.Conformance.Scenarios;

/// <summary>On timeout wait_for cancels the inner task and waits until it has finished its cleanup before raising TimeoutError.</summary>
public static class S070_WaitForTimeoutWaitsCleanup
{
    public static void Run(TextWriter output)
    {
        async Coroutine Slow()
        {
            try
            {
                await Asyncio.Sleep(1);
            }
            catch (CancelledException)
            {
                Py.Print(output, "slow: cancelled; cleaning up");
                await Asyncio.Sleep(0.01);
                Py.Print(output, "slow: cleanup done");
                throw;
            }
        }

        async Coroutine Main()
        {
            var t = Asyncio.CreateTask(Slow(), name: "S");
            try
            {
                await Asyncio.WaitFor(t, 0.01);
            }
            catch (TimeoutException)
            {
                Py.Print(output, "main: TimeoutError; S done =", t.Done, "| S cancelled =", t.Cancelled);
            }
            Py.Print(output, "main: cancelling() =", Asyncio.CurrentTask()!.Cancelling());
        }

        var loop = Asyncio.NewEventLoop(LoopClock.Virtual);
        loop.RunUntilComplete(Main());
        loop.Close();
    }
}
