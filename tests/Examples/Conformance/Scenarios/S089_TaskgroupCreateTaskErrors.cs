namespace Aio.Examples.Conformance.Scenarios;

/// <summary>TaskGroup.create_task is refused before entering, after the group finished, and while it is shutting down after a failure.</summary>
public static class S089_TaskgroupCreateTaskErrors
{
    public static void Run(TextWriter output)
    {
        async Coroutine Noop()
        {
        }

        async Coroutine Failer() => throw new ValueError("x");

        void TryCreate(TaskGroup tg, string label)
        {
            var c = Noop();
            try
            {
                _ = tg.CreateTask(c);
                Py.Print(output, label, "-> accepted");
            }
            catch (InvalidOperationException e)
            {
                var text = e.Message;
                Py.Print(output, label, "-> RuntimeError:", text[(text.LastIndexOf('>') + 2)..]);
            }
            // c.close(): a coroutine that never started holds nothing; dropping it is enough.
        }

        async Coroutine Main()
        {
            var tg = new TaskGroup();
            TryCreate(tg, "before entering");
            await tg.Run(async () => { });
            TryCreate(tg, "after finishing");
            var tg2 = new TaskGroup();
            try
            {
                await tg2.Run(async () =>
                {
                    _ = tg2.CreateTask(Failer());
                    try
                    {
                        await Asyncio.Sleep(1);
                    }
                    catch (CancelledException)
                    {
                        TryCreate(tg2, "while shutting down");
                        throw;
                    }
                });
            }
            catch (ExceptionGroup eg) when (eg.InnerExceptions.All(e => e is ValueError))
            {
                // except* ValueError
                Py.Print(output, "group failed as expected");
            }
        }

        var loop = Asyncio.NewEventLoop(LoopClock.Virtual);
        loop.RunUntilComplete(Main());
        loop.Close();
    }
}
