namespace Aio.Examples.Conformance.Scenarios;

/// <summary>cancelling()/uncancel() bookkeeping: cancel() increments, uncancel() decrements but never below 0, and uncancel() does not retract a cancellation already delivered to the awaited future.</summary>
public static class S052_CancellingUncancelCounts
{
    public static void Run(TextWriter output)
    {
        async Coroutine Victim()
        {
            var me = Asyncio.CurrentTask()!;
            try
            {
                await Asyncio.Sleep(1);
            }
            catch (CancelledException)
            {
                Py.Print(output, "victim: still got CancelledError; cancelling() =", me.Cancelling());
                throw;
            }
        }

        async Coroutine Main()
        {
            var me = Asyncio.CurrentTask()!;
            Py.Print(output, "fresh task: cancelling() =", me.Cancelling(), "| uncancel() ->", me.Uncancel());
            var v = Asyncio.CreateTask(Victim(), name: "V");
            await Asyncio.Sleep(0);
            Py.Print(output, "cancel() ->", v.Cancel(), "| cancel() ->", v.Cancel(), "| cancelling() =", v.Cancelling());
            Py.Print(output, "uncancel() ->", v.Uncancel());
            Py.Print(output, "uncancel() ->", v.Uncancel());
            Py.Print(output, "uncancel() ->", v.Uncancel());
            try
            {
                await v;
            }
            catch (CancelledException)
            {
                Py.Print(output, "main: V ended with CancelledError; cancelled() =", v.Cancelled);
            }
        }

        var loop = Asyncio.NewEventLoop(LoopClock.Virtual);
        loop.RunUntilComplete(Main());
        loop.Close();
    }
}
