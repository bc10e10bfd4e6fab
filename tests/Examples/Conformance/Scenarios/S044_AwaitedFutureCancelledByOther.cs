namespace Aio.Examples.Conformance.Scenarios;

/// <summary>When the future a task awaits is cancelled by someone else, CancelledError is raised at the await; unhandled, the task ends cancelled although cancel() was never called on it.</summary>
public static class S044_AwaitedFutureCancelledByOther
{
    public static void Run(TextWriter output)
    {
        async Coroutine Waiter(Future<object?> f)
        {
            try
            {
                await f;
            }
            catch (CancelledException e)
            {
                Py.Print(output, "waiter: CancelledError at await, message =", e.CancelMessage);
                throw;
            }
        }

        async Coroutine Main()
        {
            var loop = Asyncio.GetRunningLoop();
            var f = loop.CreateFuture<object?>();
            var t = Asyncio.CreateTask(Waiter(f), name: "W");
            await Asyncio.Sleep(0);
            Py.Print(output, "f.cancel('future cancelled') ->", f.Cancel("future cancelled"));
            try
            {
                await t;
            }
            catch (CancelledException)
            {
                Py.Print(output, "main: W raised CancelledError");
            }
            Py.Print(output, "W.cancelled() =", t.Cancelled, "| W.cancelling() =", t.Cancelling());
        }

        var loop = Asyncio.NewEventLoop(LoopClock.Virtual);
        loop.RunUntilComplete(Main());
        loop.Close();
    }
}
