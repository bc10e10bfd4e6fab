namespace Aio.Examples.Conformance.Scenarios;

/// <summary>shield(): cancelling the task that awaits the shield raises CancelledError there, but the shielded task keeps running to completion.</summary>
public static class S082_ShieldOuterCancelled
{
    public static void Run(TextWriter output)
    {
        async Coroutine<string> Inner()
        {
            await Asyncio.Sleep(0.1);
            Py.Print(output, "inner: completed");
            return "inner-result";
        }

        async Coroutine<string> Outer(LoopTask<string> it)
        {
            try
            {
                return await Asyncio.Shield(it);
            }
            catch (CancelledException)
            {
                Py.Print(output, "outer: cancelled while awaiting the shield");
                throw;
            }
        }

        async Coroutine Main()
        {
            var i = Asyncio.CreateTask(Inner(), name: "I");
            var o = Asyncio.CreateTask(Outer(i), name: "O");
            await Asyncio.Sleep(0);
            o.Cancel();
            try
            {
                await o;
            }
            catch (CancelledException)
            {
                Py.Print(output, "main: O cancelled =", o.Cancelled, "| I cancelled =", i.Cancelled, "| I done =", i.Done);
            }
            Py.Print(output, "main: I result =", await i);
            var j = Asyncio.CreateTask(Inner(), name: "J");
            var s = Asyncio.Shield(j);
            Py.Print(output, "cancelling the shield future itself ->", s.Cancel(), "| J cancelled =", j.Cancelled);
            Py.Print(output, "main: the shielded task still completed:", await j);
        }

        var loop = Asyncio.NewEventLoop(LoopClock.Virtual);
        loop.RunUntilComplete(Main());
        loop.Close();
    }
}
