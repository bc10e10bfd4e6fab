namespace Aio.Examples.Conformance.Scenarios;

/// <summary>If the awaited inner task swallows the cancellation and returns a value, the outer task's await returns that value: the outer is NOT cancelled (its cancelling() stays 1).</summary>
public static class S043_InnerSwallowsOuterCancel
{
    public static void Run(TextWriter output)
    {
        async Coroutine<int> Inner()
        {
            try
            {
                await Asyncio.Sleep(1);
            }
            catch (CancelledException)
            {
                Py.Print(output, "inner: swallowing cancellation");
            }
            return 42;
        }

        async Coroutine<int> Outer(LoopTask<int> it)
        {
            var v = await it;
            Py.Print(output, "outer: await returned", v, "| cancelling() =", Asyncio.CurrentTask()!.Cancelling());
            await Asyncio.Sleep(0);
            Py.Print(output, "outer: carried on normally");
            return v + 1;
        }

        async Coroutine Main()
        {
            var i = Asyncio.CreateTask(Inner(), name: "I");
            var o = Asyncio.CreateTask(Outer(i), name: "O");
            await Asyncio.Sleep(0);
            Py.Print(output, "O.cancel() ->", o.Cancel());
            Py.Print(output, "O result =", await o, "| O.cancelled() =", o.Cancelled, "| I.cancelled() =", i.Cancelled);
        }

        var loop = Asyncio.NewEventLoop(LoopClock.Virtual);
        loop.RunUntilComplete(Main());
        loop.Close();
    }
}
