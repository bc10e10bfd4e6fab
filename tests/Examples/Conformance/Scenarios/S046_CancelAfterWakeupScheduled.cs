namespace Aio.Examples.Conformance.Scenarios;

/// <summary>If cancel() arrives after the awaited future completed but before the task resumed, the task gets CancelledError instead of the result (the result is lost to it).</summary>
public static class S046_CancelAfterWakeupScheduled
{
    public static void Run(TextWriter output)
    {
        async Coroutine Body(Future<string> f)
        {
            try
            {
                var v = await f;
                Py.Print(output, "body: got", v);
            }
            catch (CancelledException)
            {
                Py.Print(output, "body: CancelledError instead of the result");
                throw;
            }
        }

        async Coroutine Main()
        {
            var loop = Asyncio.GetRunningLoop();
            var f = loop.CreateFuture<string>();
            var t = Asyncio.CreateTask(Body(f), name: "B");
            await Asyncio.Sleep(0);
            f.SetResult("value");
            Py.Print(output, "future done, B's wakeup is queued; B.cancel() ->", t.Cancel());
            try
            {
                await t;
            }
            catch (CancelledException)
            {
                Py.Print(output, "main: B raised CancelledError");
            }
            Py.Print(output, "B.cancelled() =", t.Cancelled, "| f.result() =", f.Result());
        }

        var loop = Asyncio.NewEventLoop(LoopClock.Virtual);
        loop.RunUntilComplete(Main());
        loop.Close();
    }
}
