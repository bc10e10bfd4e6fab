namespace Aio.Examples.Seed;

/// <summary>PyMOTW-3 asyncio_cancel_task.py: a task cancelled before the loop runs it never starts.</summary>
public static class CancelTask
{
    public static void Run(TextWriter output)
    {
        async Coroutine<string> TaskFunc()
        {
            output.WriteLine("in task_func");
            return "the result";
        }

        async Coroutine Main(Loop loop)
        {
            output.WriteLine("creating task");
            var task = loop.CreateTask(TaskFunc());

            output.WriteLine("canceling task");
            task.Cancel();

            output.WriteLine($"canceled task {task}");
            try
            {
                await task;
            }
            catch (CancelledException)
            {
                output.WriteLine("caught error from canceled task");
                return;
            }
            output.WriteLine($"task result: {Repr.Of(task.Result())}");
        }

        var eventLoop = Asyncio.GetEventLoop();
        try
        {
            eventLoop.RunUntilComplete(Main(eventLoop));
        }
        finally
        {
            eventLoop.Close();
        }
    }
}
