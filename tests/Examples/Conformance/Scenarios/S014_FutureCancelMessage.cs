namespace Aio.Examples.Conformance.Scenarios;

/// <summary>Future.cancel(msg): the message is carried by the CancelledError raised from result()/exception() and into a task awaiting the future.</summary>
public static class S014_FutureCancelMessage
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
                Py.Print(output, "waiter: CancelledError message =", e.CancelMessage);
                throw;
            }
        }

        async Coroutine Main()
        {
            var loop = Asyncio.GetRunningLoop();
            var f = loop.CreateFuture<object?>();
            Py.Print(output, "cancel('why') ->", f.Cancel("why"));
            for (var i = 0; i < 2; i++)
            {
                try
                {
                    f.Result();
                }
                catch (CancelledException e)
                {
                    Py.Print(output, "result() attempt", i, "message =", e.CancelMessage);
                }
            }
            try
            {
                f.Exception();
            }
            catch (CancelledException e)
            {
                Py.Print(output, "exception() message =", e.CancelMessage);
            }

            var g = loop.CreateFuture<object?>();
            var t = Asyncio.CreateTask(Waiter(g), name: "W");
            await Asyncio.Sleep(0);
            g.Cancel("stop waiting");
            try
            {
                await t;
            }
            catch (CancelledException e)
            {
                Py.Print(output, "main: awaiting W raised CancelledError message =", e.CancelMessage);
            }
            Py.Print(output, "W cancelled() =", t.Cancelled, "cancelling() =", t.Cancelling());

            var h = loop.CreateFuture<object?>();
            h.Cancel();
            try
            {
                h.Result();
            }
            catch (CancelledException e)
            {
                Py.Print(output, "no message -> message =", e.CancelMessage);
            }
        }

        var loop = Asyncio.NewEventLoop(LoopClock.Virtual);
        loop.RunUntilComplete(Main());
        loop.Close();
    }
}
