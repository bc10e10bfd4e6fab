namespace Aio.Examples.Conformance.Scenarios;

/// <summary>timeout(0) / a past deadline fires at the next iteration: the block runs synchronously up to its first suspension, which raises; a block that never suspends completes normally.</summary>
public static class S080_TimeoutZero
{
    public static void Run(TextWriter output)
    {
        async Coroutine Main()
        {
            var loop = Asyncio.GetRunningLoop();
            try
            {
                await Asyncio.Timeout(0, async () =>
                {
                    Py.Print(output, "timeout(0): body runs until its first await");
                    await Asyncio.Sleep(0);
                    Py.Print(output, "must not print");
                });
            }
            catch (TimeoutException)
            {
                Py.Print(output, "timeout(0): TimeoutError at the first await");
            }

            var cm = Asyncio.Timeout(0);
            await cm.Run(async () =>
            {
                Py.Print(output, "timeout(0) block without any await");
            });
            Py.Print(output, "completed normally; expired() =", cm.Expired);

            try
            {
                await Asyncio.TimeoutAt(loop.Time() - 1, async () =>
                {
                    await Asyncio.Sleep(0);
                });
            }
            catch (TimeoutException)
            {
                Py.Print(output, "timeout_at(past): TimeoutError");
            }
        }

        var loop = Asyncio.NewEventLoop(LoopClock.Virtual);
        loop.RunUntilComplete(Main());
        loop.Close();
    }
}
