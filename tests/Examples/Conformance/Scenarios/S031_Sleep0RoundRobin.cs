namespace Aio.Examples.Conformance.Scenarios;

/// <summary>sleep(0) yields for exactly one loop iteration, so tasks looping on sleep(0) interleave round-robin in creation order.</summary>
public static class S031_Sleep0RoundRobin
{
    public static void Run(TextWriter output)
    {
        async Coroutine Worker(string name, int n)
        {
            for (var i = 0; i < n; i++)
            {
                Py.Print(output, name, i);
                await Asyncio.Sleep(0);
            }
            Py.Print(output, name, "done");
        }

        async Coroutine Main()
        {
            LoopTask[] ts =
            [
                Asyncio.CreateTask(Worker("A", 3), name: "A"),
                Asyncio.CreateTask(Worker("B", 2), name: "B"),
                Asyncio.CreateTask(Worker("C", 3), name: "C"),
            ];
            foreach (var t in ts) await t;
            Py.Print(output, "main: all done");
        }

        var loop = Asyncio.NewEventLoop(LoopClock.Virtual);
        loop.RunUntilComplete(Main());
        loop.Close();
    }
}
