namespace Aio.Examples.Conformance.Scenarios;

/// <summary>Iteration counting: sleep(0) resumes after one iteration; awaiting a future resolved by call_soon resumes after two (set_result, then the wakeup callback).</summary>
public static class S032_YieldLatencySleep0VsFuture
{
    public static void Run(TextWriter output)
    {
        void Print(string text) => Py.Print(output, text);

        async Coroutine Ticker()
        {
            for (var i = 0; i < 8; i++)
            {
                Py.Print(output, "tick", i);
                await Asyncio.Sleep(0);
            }
        }

        async Coroutine Main()
        {
            var loop = Asyncio.GetRunningLoop();
            var t = Asyncio.CreateTask(Ticker(), name: "ticker");
            await Asyncio.Sleep(0);
            Py.Print(output, "main: start (ticker has ticked once)");
            loop.CallSoon(Print, "soon (queued before sleep(0))");
            await Asyncio.Sleep(0);
            Py.Print(output, "main: resumed after sleep(0)");
            var f = loop.CreateFuture<object?>();
            loop.CallSoon<object?>(f.SetResult, null);
            await f;
            Py.Print(output, "main: resumed after awaiting a future resolved by call_soon");
            await t;
        }

        var loop = Asyncio.NewEventLoop(LoopClock.Virtual);
        loop.RunUntilComplete(Main());
        loop.Close();
    }
}
