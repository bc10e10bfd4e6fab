namespace Aio.Examples.Conformance.Scenarios;

/// <summary>gather without return_exceptions: the first exception propagates at once, the other children are NOT cancelled and keep running; later failures are not reported as unretrieved.</summary>
public static class S058_GatherFirstException
{
    public static void Run(TextWriter output)
    {
        async Coroutine FailNow()
        {
            await Asyncio.Sleep(0);
            Py.Print(output, "A: raising first failure");
            throw new ValueError("first failure");
        }

        async Coroutine<int> Slow(Future<object?> gate)
        {
            await gate;
            Py.Print(output, "B: finished anyway");
            return 1;
        }

        async Coroutine FailLater(Future<object?> gate)
        {
            await gate;
            Py.Print(output, "C: raising second failure");
            throw new ValueError("second failure");
        }

        async Coroutine Main()
        {
            var loop = Asyncio.GetRunningLoop();
            loop.SetExceptionHandler((lp, ctx) => Py.Print(output, "handler:", ctx.Message));
            var gateB = loop.CreateFuture<object?>();
            var gateC = loop.CreateFuture<object?>();
            // Nullable so that `del a, b, c, g` can drop the references before the collection.
            LoopTask? a = Asyncio.CreateTask(FailNow(), name: "A");
            LoopTask<int>? b = Asyncio.CreateTask(Slow(gateB), name: "B");
            LoopTask? c = Asyncio.CreateTask(FailLater(gateC), name: "C");
            // Children of different result types: the mixed (object) overload.
            Future<object?[]>? g = Asyncio.Gather(a, b, c);
            try
            {
                await g;
            }
            catch (ValueError e)
            {
                Py.Print(output, "gather raised:", e);
            }
            Py.Print(output, "B done =", b.Done, "| C done =", c.Done, "| gather done =", g.Done);
            Py.Print(output, "gather.cancel() after done ->", g.Cancel());
            gateC.SetResult(null);
            gateB.SetResult(null);
            await Asyncio.Wait(new Future[] { b, c });
            Py.Print(output, "B result =", b.Result(), "| C cancelled =", c.Cancelled);
            // del a, b, c, g
            a = null;
            b = null;
            c = null;
            g = null;
            GC.Collect();
            GC.WaitForPendingFinalizers();
            GC.Collect();
            Py.Print(output, "no unretrieved-exception report above");
        }

        var loop = Asyncio.NewEventLoop(LoopClock.Virtual);
        loop.RunUntilComplete(Main());
        loop.Close();
    }
}
