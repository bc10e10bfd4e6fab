namespace Aio.Examples.Conformance.Scenarios;

/// <summary>The same program under the default (lazy) and the eager task factory: only the position of each child's first step changes.</summary>
public static class S097_EagerVsLazyOrder
{
    public static void Run(TextWriter output)
    {
        async Coroutine Child(int n)
        {
            Py.Print(output, "  child", n, "first step");
            await Asyncio.Sleep(0);
            Py.Print(output, "  child", n, "second step");
        }

        async Coroutine Main()
        {
            Py.Print(output, "  main: creating children");
            var ts = new List<LoopTask>();
            for (var i = 0; i < 2; i++) ts.Add(Asyncio.CreateTask(Child(i), name: $"C{i}"));
            Py.Print(output, "  main: children created");
            foreach (var t in ts) await t;
            Py.Print(output, "  main: done");
        }

        // (label, factory): None is the default factory; `eager` picks asyncio.eager_task_factory.
        foreach (var (label, eager) in new[] { ("lazy (default factory):", false), ("eager factory:", true) })
        {
            Py.Print(output, label);
            var loop = Asyncio.NewEventLoop(LoopClock.Virtual);
            if (eager) loop.SetTaskFactory(Asyncio.EagerTaskFactory);
            else loop.SetTaskFactory(null);
            loop.RunUntilComplete(loop.CreateTask(Main(), name: "Main"));
            loop.Close();
        }
    }
}
