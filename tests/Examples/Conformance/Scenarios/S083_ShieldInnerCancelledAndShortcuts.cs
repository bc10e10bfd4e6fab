namespace Aio.Examples.Conformance.Scenarios;

/// <summary>shield(): a cancelled inner cancels the shield future; inner exceptions pass through; shielding a done future returns it unchanged.</summary>
public static class S083_ShieldInnerCancelledAndShortcuts
{
    public static void Run(TextWriter output)
    {
        async Coroutine Boom()
        {
            await Asyncio.Sleep(0);
            throw new ValueError("inner failed");
        }

        async Coroutine Main()
        {
            var loop = Asyncio.GetRunningLoop();
            var i = Asyncio.CreateTask(Asyncio.Sleep(1, VoidResult.Value), name: "I");
            var s = Asyncio.Shield(i);
            await Asyncio.Sleep(0);
            i.Cancel();
            try
            {
                await s;
            }
            catch (CancelledException)
            {
                Py.Print(output, "inner cancelled -> shield raised CancelledError; shield cancelled() =", s.Cancelled);
            }
            try
            {
                await Asyncio.Shield(Boom());
            }
            catch (ValueError e)
            {
                Py.Print(output, "exception passes through shield:", e);
            }
            var f = loop.CreateFuture<int>();
            f.SetResult(1);
            Py.Print(output, "shield(done future) is the same future:", ReferenceEquals(Asyncio.Shield(f), f));
        }

        var loop = Asyncio.NewEventLoop(LoopClock.Virtual);
        loop.RunUntilComplete(Main());
        loop.Close();
    }
}
