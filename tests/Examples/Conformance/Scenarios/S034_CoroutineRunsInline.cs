namespace Aio.Examples.Conformance.Scenarios;

/// <summary>Calling an async function only creates a coroutine; awaiting it runs it inline in the current task, whereas create_task runs it in a new task.</summary>
public static class S034_CoroutineRunsInline
{
    public static void Run(TextWriter output)
    {
        async Coroutine<string> Sub(string tag)
        {
            Py.Print(output, "sub", tag, "runs in task", Asyncio.CurrentTask()!.Name);
            return tag;
        }

        async Coroutine Main()
        {
            var c = Sub("x");
            Py.Print(output, "coroutine object created; body not run yet");
            Py.Print(output, "await returned", await c);
            var t = Asyncio.CreateTask(Sub("y"), name: "Child");
            Py.Print(output, "create_task returned; body not run yet");
            Py.Print(output, "await task returned", await t);
        }

        var loop = Asyncio.NewEventLoop(LoopClock.Virtual);
        loop.RunUntilComplete(loop.CreateTask(Main(), name: "Main"));
        loop.Close();
    }
}
