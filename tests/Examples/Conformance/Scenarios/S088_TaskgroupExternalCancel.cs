namespace Aio.Examples.Conformance.Scenarios;

/// <summary>TaskGroup: when the parent task is cancelled from outside, children are cancelled and the block re-raises CancelledError (not an ExceptionGroup).</summary>
public static class S088_TaskgroupExternalCancel
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

        async Coroutine Parent()
        {
            try
            {
                await TaskGroup.Run(async tg =>
                {
                    _ = tg.CreateTask(Child("A"), name: "A");
                    _ = tg.CreateTask(Child("B"), name: "B");
                    await Asyncio.Sleep(1);
                });
            }
            catch (CancelledException)
            {
                Py.Print(output, "parent: CancelledError out of the group; children:", string.Join(", ", events.Order(StringComparer.Ordinal)));
                throw;
            }
        }

        async Coroutine Main()
        {
            var p = Asyncio.CreateTask(Parent(), name: "P");
            await Asyncio.Sleep(0);
            await Asyncio.Sleep(0);
            p.Cancel();
            try
            {
                await p;
            }
            catch (CancelledException)
            {
                Py.Print(output, "main: P cancelled =", p.Cancelled, "| P cancelling() =", p.Cancelling());
            }
        }

        var loop = Asyncio.NewEventLoop(LoopClock.Virtual);
        loop.RunUntilComplete(Main());
        loop.Close();
    }
}
