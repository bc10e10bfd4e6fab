namespace Aio.Examples.Conformance.Scenarios;

/// <summary>Cancelling a task blocked in sleep raises CancelledError at the await; the coroutine cleans up and re-raises; the awaiter sees CancelledError.</summary>
public static class S004_CancelWhileSleepingCleanup
{
    public static void Run(TextWriter output)
    {
        async Coroutine<string> TaskFunc()
        {
            Py.Print(output, "in task_func, sleeping");
            try
            {
                await Asyncio.Sleep(1);
            }
            catch (CancelledException)
            {
                Py.Print(output, "task_func: caught CancelledError, cleaning up");
                throw;
            }
            finally
            {
                Py.Print(output, "task_func: finally");
            }
            return "the result";
        }

        void TaskCanceller(LoopTask<string> t)
        {
            Py.Print(output, "in task_canceller");
            Py.Print(output, "cancel() returned", t.Cancel());
            Py.Print(output, "canceled the task");
        }

        async Coroutine Main(Loop loop)
        {
            Py.Print(output, "creating task");
            var task = loop.CreateTask(TaskFunc(), name: "T");
            loop.CallSoon(TaskCanceller, task);
            try
            {
                await task;
            }
            catch (CancelledException)
            {
                Py.Print(output, "main() also sees task as canceled");
            }
            Py.Print(output, "task.cancelled() =", task.Cancelled);
        }

        var loop = Asyncio.NewEventLoop(LoopClock.Virtual);
        try
        {
            loop.RunUntilComplete(Main(loop));
        }
        finally
        {
            loop.Close();
        }
    }
}
