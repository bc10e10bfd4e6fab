namespace Aio.Examples.Conformance.Scenarios;

/// <summary>uncancel() bringing the count back to 0 withdraws a cancel request that has not been delivered yet (the task was already scheduled to resume): the task gets its result normally.</summary>
public static class S053_UncancelClearsPendingCancel
{
    public static void Run(TextWriter output)
    {
        async Coroutine<int> Body(Future<int> f)
        {
            var v = await f;
            Py.Print(output, "body: got", v, "without CancelledError");
            return v;
        }

        async Coroutine Main()
        {
            var loop = Asyncio.GetRunningLoop();
            var f = loop.CreateFuture<int>();
            var t = Asyncio.CreateTask(Body(f), name: "B");
            await Asyncio.Sleep(0);
            f.SetResult(42);
            Py.Print(output, "cancel() ->", t.Cancel(), "| cancelling() =", t.Cancelling());
            Py.Print(output, "uncancel() ->", t.Uncancel());
            Py.Print(output, "result =", await t, "| cancelled() =", t.Cancelled);
        }

        var loop = Asyncio.NewEventLoop(LoopClock.Virtual);
        loop.RunUntilComplete(Main());
        loop.Close();
    }
}
