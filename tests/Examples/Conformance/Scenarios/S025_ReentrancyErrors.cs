namespace Aio.Examples.Conformance.Scenarios;

/// <summary>A running loop cannot be re-entered (run_until_complete/run_forever), another loop cannot run inside it, and it cannot be closed while running.</summary>
public static class S025_ReentrancyErrors
{
    public static void Run(TextWriter output)
    {
        var loop = Asyncio.NewEventLoop(LoopClock.Virtual);

        async Coroutine Main()
        {
            // asyncio.sleep(0) is a coroutine that returns None.
            var coro = Asyncio.Sleep(0, VoidResult.Value);
            try
            {
                loop.RunUntilComplete(coro);
            }
            catch (InvalidOperationException e)
            {
                Py.Print(output, "run_until_complete inside:", e);
            }
            // coro.close(): the refused coroutine never started; dropping it is enough.
            try
            {
                loop.RunForever();
            }
            catch (InvalidOperationException e)
            {
                Py.Print(output, "run_forever inside:", e);
            }
            var other = Asyncio.NewEventLoop(LoopClock.Virtual);
            var coro2 = Asyncio.Sleep(0, VoidResult.Value);
            try
            {
                other.RunUntilComplete(coro2);
            }
            catch (InvalidOperationException e)
            {
                Py.Print(output, "other loop inside:", e);
            }
            other.Close();
            try
            {
                loop.Close();
            }
            catch (InvalidOperationException e)
            {
                Py.Print(output, "close inside:", e);
            }
            Py.Print(output, "loop still running:", loop.IsRunning);
        }

        loop.RunUntilComplete(Main());
        loop.Close();
    }
}
