namespace Aio.Examples.Conformance.Scenarios;

/// <summary>asyncio.run: returns main's result, then cancels still-pending tasks (which may clean up) before closing; it refuses to nest.</summary>
public static class S009_AsyncioRunCancelsLeftovers
{
    public static void Run(TextWriter output)
    {
        async Coroutine Leftover()
        {
            try
            {
                Py.Print(output, "leftover: sleeping");
                await Asyncio.Sleep(10);
            }
            catch (CancelledException)
            {
                Py.Print(output, "leftover: cancelled at shutdown");
                throw;
            }
        }

        async Coroutine<string> Main()
        {
            _ = Asyncio.CreateTask(Leftover(), name: "L");
            await Asyncio.Sleep(0);
            Py.Print(output, "main: returning");
            return "main-result";
        }

        Py.Print(output, "asyncio.run returned", Asyncio.Run(Main(), LoopClock.Virtual));

        async Coroutine Nested()
        {
            var coro = Main();
            try
            {
                Asyncio.Run(coro, LoopClock.Virtual);
            }
            catch (InvalidOperationException e)
            {
                Py.Print(output, "nested asyncio.run:", e);
            }
            // coro.close(): a coroutine that never started holds nothing; dropping it is enough.
        }

        Asyncio.Run(Nested(), LoopClock.Virtual);
    }
}
