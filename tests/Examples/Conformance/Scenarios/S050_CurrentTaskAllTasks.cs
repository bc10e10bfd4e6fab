namespace Aio.Examples.Conformance.Scenarios;

/// <summary>current_task() is the task whose step is running (None in plain callbacks, error without a running loop); all_tasks() lists the loop's unfinished tasks.</summary>
public static class S050_CurrentTaskAllTasks
{
    private static string Names(IEnumerable<ILoopTask> tasks) =>
        string.Join(", ", tasks.Select(t => t.Name).Order(StringComparer.Ordinal));

    public static void Run(TextWriter output)
    {
        async Coroutine Child(AsyncEvent ev)
        {
            Py.Print(output, "child: current task =", Asyncio.CurrentTask()!.Name);
            await ev.Wait();
        }

        async Coroutine Main()
        {
            var loop = Asyncio.GetRunningLoop();
            Py.Print(output, "main: current task =", Asyncio.CurrentTask()!.Name);
            var ev = new AsyncEvent();
            var a = Asyncio.CreateTask(Child(ev), name: "A");
            var b = Asyncio.CreateTask(Child(ev), name: "B");
            Py.Print(output, "all_tasks right after create_task:", Names(Asyncio.AllTasks()));
            await Asyncio.Sleep(0);
            loop.CallSoon(() => Py.Print(output, "plain callback: current task =", Asyncio.CurrentTask()));
            await Asyncio.Sleep(0);
            ev.Set();
            await a;
            await b;
            Py.Print(output, "all_tasks after A and B finished:", Names(Asyncio.AllTasks()));
        }

        var loop = Asyncio.NewEventLoop(LoopClock.Virtual);
        loop.RunUntilComplete(loop.CreateTask(Main(), name: "Main"));
        Py.Print(output, "outside: current_task(loop) =", Asyncio.CurrentTask(loop));
        try
        {
            Asyncio.CurrentTask();
        }
        catch (InvalidOperationException e)
        {
            Py.Print(output, "outside: current_task() ->", e);
        }
        Py.Print(output, "outside: all_tasks(loop) is empty:", Asyncio.AllTasks(loop).Count == 0);
        loop.Close();
    }
}
