namespace Aio.Examples.Conformance.Scenarios;

/// <summary>TaskGroup: while the group waits at the end of its block, a running child may still add tasks to it; the group waits for those too.</summary>
public static class S094_TaskgroupSpawnDuringExit
{
    public static void Run(TextWriter output)
    {
        async Coroutine Spawner(TaskGroup tg)
        {
            await Asyncio.Sleep(0.01);
            Py.Print(output, "spawner: adding a late child while the group is exiting");
            _ = tg.CreateTask(Late(), name: "Late");
            Py.Print(output, "spawner: done");
        }

        async Coroutine Late()
        {
            await Asyncio.Sleep(0.01);
            Py.Print(output, "late child: finished");
        }

        async Coroutine Main()
        {
            await TaskGroup.Run(async tg =>
            {
                _ = tg.CreateTask(Spawner(tg), name: "Spawner");
                Py.Print(output, "body: finished, the group now waits");
            });
            Py.Print(output, "group exited after the late child");
        }

        var loop = Asyncio.NewEventLoop(LoopClock.Virtual);
        loop.RunUntilComplete(Main());
        loop.Close();
    }
}
