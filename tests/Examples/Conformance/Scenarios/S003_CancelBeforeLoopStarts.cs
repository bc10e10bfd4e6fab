namespace Aio.Examples.Conformance.Scenarios;

/// <summary>Cancelling a task before the loop runs: the coroutine body never executes (not even its try/finally) and run_until_complete raises CancelledError.</summary>
public static class S003_CancelBeforeLoopStarts
{
    public static void Run(TextWriter output)
    {
        async Coroutine<string> TaskFunc()
        {
            Py.Print(output, "in task_func");
            try
            {
                return "the result";
            }
            finally
            {
                Py.Print(output, "task_func finally");
            }
        }

        var loop = Asyncio.NewEventLoop(LoopClock.Virtual);
        try
        {
            Py.Print(output, "creating task");
            var task = loop.CreateTask(TaskFunc(), name: "T");
            Py.Print(output, "cancel() returned", task.Cancel());
            Py.Print(output, "cancelling() =", task.Cancelling(), "done() =", task.Done, "cancelled() =", task.Cancelled);
            try
            {
                loop.RunUntilComplete(task);
            }
            catch (CancelledException)
            {
                Py.Print(output, "caught CancelledError from run_until_complete");
            }
            Py.Print(output, "done() =", task.Done, "cancelled() =", task.Cancelled);
            Py.Print(output, "cancel() on the cancelled task returned", task.Cancel());
        }
        finally
        {
            loop.Close();
        }
    }
}
