namespace Aio.Examples.Conformance.Scenarios;

/// <summary>ensure_future wraps a coroutine in a Task that only starts when the creator yields (here: when it awaits the task).</summary>
public static class S006_EnsureFutureLazyStart
{
    public static void Run(TextWriter output)
    {
        async Coroutine<string> Wrapped()
        {
            Py.Print(output, "wrapped: started");
            return "result";
        }

        async Coroutine Inner(LoopTask<string> task)
        {
            Py.Print(output, "inner: starting");
            Py.Print(output, "inner: waiting for", task.Name);
            var result = await task;
            Py.Print(output, "inner: task returned", result);
        }

        async Coroutine Starter()
        {
            Py.Print(output, "starter: creating task");
            var task = Asyncio.EnsureFuture(Wrapped());
            task.Name = "wrapped-task";
            Py.Print(output, "starter: is a Task =", (object)task is ILoopTask, "done =", task.Done);
            Py.Print(output, "starter: ensure_future(task) is task =", ReferenceEquals(Asyncio.EnsureFuture(task), task));
            Py.Print(output, "starter: waiting for inner");
            await Inner(task);
            Py.Print(output, "starter: inner returned");
        }

        var loop = Asyncio.NewEventLoop(LoopClock.Virtual);
        try
        {
            Py.Print(output, "entering event loop");
            loop.RunUntilComplete(Starter());
        }
        finally
        {
            loop.Close();
        }
    }
}
