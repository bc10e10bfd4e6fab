namespace Aio.Examples.Seed;

/// <summary>
/// PyMOTW-3 asyncio_cancel_task2.py: a callback cancels the task while it sleeps; the coroutine sees
/// CancelledException at its await, cleans up and re-raises, and the awaiting task sees it too.
/// </summary>
public static class CancelWhileWaiting
{
    public static void Run(TextWriter output)
    {
        async Coroutine<string> TaskFunc()
        {
            output.WriteLine("in task_func, sleeping");
            try
            {
                await Asyncio.Sleep(1);
            }
            catch (CancelledException)
            {
                output.WriteLine("task_func was canceled");
                throw;
            }
            return "the result";
        }

        void TaskCanceller(LoopTask<string> t)
        {
            output.WriteLine("in task_canceller");
            t.Cancel();
            output.WriteLine("canceled the task");
        }

        async Coroutine Main(Loop loop)
        {
            output.WriteLine("creating task");
            var task = loop.CreateTask(TaskFunc());
            loop.CallSoon(TaskCanceller, task);
            try
            {
                await task;
            }
            catch (CancelledException)
            {
                output.WriteLine("main() also sees task as canceled");
            }
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
