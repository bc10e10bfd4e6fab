namespace Aio.Examples.Conformance.Scenarios;

/// <summary>sleep: wake-ups in deadline order regardless of start order; sleep(d, result) returns result; negative delays behave like sleep(0); a cancelled sleep does not keep the loop waiting.</summary>
public static class S055_SleepSemantics
{
    public static void Run(TextWriter output)
    {
        async Coroutine Sleeper(string name, double d)
        {
            await Asyncio.Sleep(d);
            Py.Print(output, name, "woke");
        }

        async Coroutine Ticker(int n)
        {
            for (var i = 0; i < n; i++)
            {
                Py.Print(output, "tick", i);
                await Asyncio.Sleep(0);
            }
        }

        async Coroutine Main()
        {
            LoopTask[] ts =
            [
                Asyncio.CreateTask(Sleeper("C(0.15)", 0.15), name: "C"),
                Asyncio.CreateTask(Sleeper("A(0.05)", 0.05), name: "A"),
                Asyncio.CreateTask(Sleeper("B(0.1)", 0.1), name: "B"),
            ];
            foreach (var t in ts) await t;
            Py.Print(output, "sleep(0, 'r0') ->", await Asyncio.Sleep(0, "r0"));
            Py.Print(output, "sleep(0.01, 'r1') ->", await Asyncio.Sleep(0.01, "r1"));
            var tk = Asyncio.CreateTask(Ticker(3), name: "ticker");
            await Asyncio.Sleep(0);
            Py.Print(output, "main: sleep(-1) starts");
            await Asyncio.Sleep(-1);
            Py.Print(output, "main: sleep(-1) returned after one iteration");
            await tk;
            // asyncio.sleep(100) is a coroutine that returns None.
            var s = Asyncio.CreateTask(Asyncio.Sleep(100, VoidResult.Value), name: "long");
            await Asyncio.Sleep(0);
            s.Cancel();
            await Asyncio.Sleep(0);
            Py.Print(output, "long sleep task cancelled:", s.Cancelled);
        }

        var loop = Asyncio.NewEventLoop(LoopClock.Virtual);
        loop.RunUntilComplete(Main());
        loop.Close();
    }
}
