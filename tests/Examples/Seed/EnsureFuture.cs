namespace Aio.Examples.Seed;

/// <summary>
/// PyMOTW-3 asyncio_ensure_future.py: EnsureFuture wraps a coroutine in a task that starts at the
/// creator's first suspension (here, when it awaits the inner coroutine that awaits the task).
/// </summary>
public static class EnsureFuture
{
    public static void Run(TextWriter output)
    {
        async Coroutine<string> Wrapped()
        {
            output.WriteLine("wrapped");
            return "result";
        }

        async Coroutine Inner(LoopTask<string> task)
        {
            output.WriteLine("inner: starting");
            output.WriteLine($"inner: waiting for {task}");
            var result = await task;
            output.WriteLine($"inner: task returned {Repr.Of(result)}");
        }

        async Coroutine Starter()
        {
            output.WriteLine("starter: creating task");
            var task = Asyncio.EnsureFuture(Wrapped());
            output.WriteLine("starter: waiting for inner");
            await Inner(task);
            output.WriteLine("starter: inner returned");
        }

        var eventLoop = Asyncio.GetEventLoop();
        try
        {
            output.WriteLine("entering event loop");
            eventLoop.RunUntilComplete(Starter());
        }
        finally
        {
            eventLoop.Close();
        }
    }
}
