namespace Aio.Examples.Conformance.Scenarios;

/// <summary>Cancelling the task that is inside wait_for cancels the inner awaitable too; the caller sees CancelledError, not TimeoutError.</summary>
public static class S073_WaitForCallerCancelled
{
    public static void Run(TextWriter output)
    {
        async Coroutine Inner()
        {
            try
            {
                await Asyncio.Sleep(1);
            }
            catch (CancelledException)
            {
                Py.Print(output, "inner: cancelled");
                throw;
            }
        }

        async Coroutine Caller(LoopTask it)
        {
            try
            {
                await Asyncio.WaitFor(it, 10);
            }
            catch (CancelledException)
            {
                Py.Print(output, "caller: CancelledError");
                throw;
            }
            catch (TimeoutException)
            {
                Py.Print(output, "caller: TimeoutError (must not happen)");
            }
        }

        async Coroutine Main()
        {
            var i = Asyncio.CreateTask(Inner(), name: "I");
            var c = Asyncio.CreateTask(Caller(i), name: "C");
            await Asyncio.Sleep(0);
            c.Cancel();
            try
            {
                await c;
            }
            catch (CancelledException)
            {
                Py.Print(output, "main: C cancelled =", c.Cancelled, "| I cancelled =", i.Cancelled);
            }
        }

        var loop = Asyncio.NewEventLoop(LoopClock.Virtual);
        loop.RunUntilComplete(Main());
        loop.Close();
    }
}
