namespace Aio.Examples.Seed;

/// <summary>PyMOTW-3 asyncio_create_task.py: a task runs once the creator yields; awaiting it gives its result.</summary>
public static class CreateTask
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
            output.WriteLine($"waiting for {task}");
            var returnValue = await task;
            output.WriteLine($"task completed {task}");
            output.WriteLine($"return value: {Repr.Of(returnValue)}");
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
