namespace Aio.Examples.Conformance.Scenarios;

/// <summary>TaskGroup: a failing child cancels its siblings and the body (at its current await); the block raises an ExceptionGroup of the failures; the parent's cancelling() returns to 0.</summary>
public static class S085_TaskgroupChildFailure
{
    public static void Run(TextWriter output)
    {
        var events = new List<string>();

        async Coroutine Sibling(string name)
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

        async Coroutine Failer()
        {
            await Asyncio.Sleep(0.01);
            throw new ValueError("child failed");
        }

        async Coroutine Main()
        {
            // Assigned inside the block and read after it, as in Python.
            LoopTask? s1 = null;
            LoopTask? s2 = null;
            try
            {
                await TaskGroup.Run(async tg =>
                {
                    s1 = tg.CreateTask(Sibling("S1"), name: "S1");
                    s2 = tg.CreateTask(Sibling("S2"), name: "S2");
                    _ = tg.CreateTask(Failer(), name: "F");
                    try
                    {
                        await Asyncio.Sleep(1);
                    }
                    catch (CancelledException)
                    {
                        Py.Print(output, "body: cancelled by the group at its await");
                        throw;
                    }
                    Py.Print(output, "body: must not print");
                });
            }
            catch (ExceptionGroup eg) when (eg.InnerExceptions.All(e => e is ValueError))
            {
                // except* ValueError: every sub-exception matches, so eg is the group itself.
                Py.Print(output, "caught", Py.TypeName(eg), "message =", eg.Message);
                Py.Print(output, "sub-exceptions:", string.Join(", ", eg.InnerExceptions.Select(e => $"{Py.TypeName(e)}({Py.Str(e)})")));
            }
            Py.Print(output, "sibling events:", string.Join(", ", events.Order(StringComparer.Ordinal)));
            Py.Print(output, "S1 cancelled =", s1!.Cancelled, "| S2 cancelled =", s2!.Cancelled);
            Py.Print(output, "parent cancelling() =", Asyncio.CurrentTask()!.Cancelling());
            await Asyncio.Sleep(0);
            Py.Print(output, "parent keeps running normally");
        }

        var loop = Asyncio.NewEventLoop(LoopClock.Virtual);
        loop.RunUntilComplete(Main());
        loop.Close();
    }
}
