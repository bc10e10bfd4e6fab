namespace Aio.Examples.Conformance.Scenarios;

/// <summary>When the timeout fires AND an external cancel() arrives before the task resumes, the external cancellation wins: CancelledError propagates even though expired() is True.</summary>
public static class S079_TimeoutCancelAndExpireTogether
{
    public static void Run(TextWriter output)
    {
        async Coroutine Worker(List<TimeoutScope> box)
        {
            var cm = Asyncio.Timeout(10);
            box.Add(cm);
            try
            {
                await cm.Run(async () =>
                {
                    await Asyncio.Sleep(1);
                });
            }
            catch (CancelledException)
            {
                Py.Print(output, "worker: CancelledError; expired() =", cm.Expired, "| cancelling() =", Asyncio.CurrentTask()!.Cancelling());
                throw;
            }
            catch (TimeoutException)
            {
                Py.Print(output, "worker: TimeoutError (must not happen)");
            }
        }

        async Coroutine Main()
        {
            var loop = Asyncio.GetRunningLoop();
            var box = new List<TimeoutScope>();
            var w = Asyncio.CreateTask(Worker(box), name: "W");
            await Asyncio.Sleep(0);
            var cm = box[0];
            cm.Reschedule(loop.Time() - 1);
            w.Cancel();
            try
            {
                await w;
            }
            catch (CancelledException)
            {
                Py.Print(output, "main: W cancelled =", w.Cancelled);
            }
        }

        var loop = Asyncio.NewEventLoop(LoopClock.Virtual);
        loop.RunUntilComplete(Main());
        loop.Close();
    }
}
