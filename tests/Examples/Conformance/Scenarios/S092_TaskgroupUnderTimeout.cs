namespace Aio.Examples.Conformance.Scenarios;

/// <summary>timeout() around a TaskGroup: expiry cancels the body and all children; the result is TimeoutError, not an ExceptionGroup.</summary>
public static class S092_TaskgroupUnderTimeout
{
    public static void Run(TextWriter output)
    {
        var events = new List<string>();

        async Coroutine Child(string name)
        {
            try
            {
                await Asyncio.Sleep(1);
            }
            catch (CancelledException)
            {
                events.Add(name + " cancelled");
                throw;
            }
        }

        async Coroutine Main()
        {
            try
            {
                await Asyncio.Timeout(0.01, async () =>
                {
                    await TaskGroup.Run(async tg =>
                    {
                        _ = tg.CreateTask(Child("A"), name: "A");
                        _ = tg.CreateTask(Child("B"), name: "B");
                    });
                });
            }
            catch (TimeoutException)
            {
                Py.Print(output, "TimeoutError; children:", string.Join(", ", events.Order(StringComparer.Ordinal)));
            }
            Py.Print(output, "cancelling() =", Asyncio.CurrentTask()!.Cancelling());
        }

        var loop = Asyncio.NewEventLoop(LoopClock.Virtual);
        loop.RunUntilComplete(Main());
        loop.Close();
    }
}
