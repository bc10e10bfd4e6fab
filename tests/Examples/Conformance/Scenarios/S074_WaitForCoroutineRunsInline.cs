namespace Aio.Examples.Conformance.Scenarios;

/// <summary>wait_for(coroutine, timeout) runs the coroutine inside the calling task (no new task is created); the timeout cancels the caller and is converted back to TimeoutError.</summary>
public static class S074_WaitForCoroutineRunsInline
{
    public static void Run(TextWriter output)
    {
        async Coroutine Probe()
        {
            Py.Print(output, "probe runs in task", Asyncio.CurrentTask()!.Name);
            await Asyncio.Sleep(1);
        }

        async Coroutine Main()
        {
            var before = Asyncio.AllTasks().Count;
            try
            {
                await Asyncio.WaitFor(Probe(), 0.01);
            }
            catch (TimeoutException)
            {
                Py.Print(output, "TimeoutError; Main cancelled() =", Asyncio.CurrentTask()!.Cancelled,
                    "| cancelling() =", Asyncio.CurrentTask()!.Cancelling());
            }
            Py.Print(output, "no extra task was left behind:", Asyncio.AllTasks().Count == before);
        }

        var loop = Asyncio.NewEventLoop(LoopClock.Virtual);
        loop.RunUntilComplete(loop.CreateTask(Main(), name: "Main"));
        loop.Close();
    }
}
