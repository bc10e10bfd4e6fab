namespace Aio.Examples.Conformance.Scenarios;

/// <summary>A task awaiting a future resumes one iteration after set_result, via the future's done callback queued behind already-queued callbacks.</summary>
public static class S016_AwaitFutureWakeupLatency
{
    public static void Run(TextWriter output)
    {
        void Print(string text) => Py.Print(output, text);

        async Coroutine Waiter(Future<int> f)
        {
            Py.Print(output, "W: awaiting future");
            var v = await f;
            Py.Print(output, "W: got", v);
        }

        async Coroutine Main()
        {
            var loop = Asyncio.GetRunningLoop();
            var f = loop.CreateFuture<int>();
            var t = Asyncio.CreateTask(Waiter(f), name: "W");
            await Asyncio.Sleep(0);
            loop.CallSoon(Print, "callback queued before set_result");
            f.SetResult(1);
            loop.CallSoon(Print, "callback queued after set_result");
            Py.Print(output, "main: set_result done, W has not resumed; W done =", t.Done);
            await Asyncio.Sleep(0);
            Py.Print(output, "main: after one yield, W done =", t.Done);
        }

        var loop = Asyncio.NewEventLoop(LoopClock.Virtual);
        loop.RunUntilComplete(Main());
        loop.Close();
    }
}
