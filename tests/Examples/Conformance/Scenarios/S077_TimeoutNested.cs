namespace Aio.Examples.Conformance.Scenarios;

/// <summary>Nested timeouts: only the one that expired converts CancelledError into TimeoutError, and only at its own boundary.</summary>
public static class S077_TimeoutNested
{
    public static void Run(TextWriter output)
    {
        async Coroutine Main()
        {
            // Each `async with asyncio.timeout(d) as cm:` creates cm just before entering it (the
            // creation raises nothing), so that the except clauses after the block can name it.
            var outer = Asyncio.Timeout(0.01);
            try
            {
                await outer.Run(async () =>
                {
                    var inner = Asyncio.Timeout(1);
                    try
                    {
                        await inner.Run(async () =>
                        {
                            await Asyncio.Sleep(1);
                        });
                    }
                    catch (CancelledException)
                    {
                        Py.Print(output, "A: inner block let CancelledError through; inner.expired() =", inner.Expired);
                        throw;
                    }
                });
            }
            catch (TimeoutException)
            {
                Py.Print(output, "A: outer raised TimeoutError; outer.expired() =", outer.Expired);
            }

            outer = Asyncio.Timeout(1);
            await outer.Run(async () =>
            {
                var inner = Asyncio.Timeout(0.01);
                try
                {
                    await inner.Run(async () =>
                    {
                        await Asyncio.Sleep(1);
                    });
                }
                catch (TimeoutException)
                {
                    Py.Print(output, "B: inner raised TimeoutError inside outer; inner.expired() =", inner.Expired);
                }
                await Asyncio.Sleep(0);
                Py.Print(output, "B: outer block continues");
            });
            Py.Print(output, "B: outer finished; outer.expired() =", outer.Expired, "| cancelling() =", Asyncio.CurrentTask()!.Cancelling());
        }

        var loop = Asyncio.NewEventLoop(LoopClock.Virtual);
        loop.RunUntilComplete(Main());
        loop.Close();
    }
}
