namespace Aio.Examples.Conformance.Scenarios;

/// <summary>TaskGroup: children failing in the same iteration are all collected, in completion order, into one ExceptionGroup.</summary>
public static class S086_TaskgroupMultipleFailures
{
    public static void Run(TextWriter output)
    {
        async Coroutine Fail(string text)
        {
            await Asyncio.Sleep(0);
            throw new ValueError(text);
        }

        async Coroutine Main()
        {
            try
            {
                await TaskGroup.Run(async tg =>
                {
                    _ = tg.CreateTask(Fail("first"), name: "F1");
                    _ = tg.CreateTask(Fail("second"), name: "F2");
                });
            }
            catch (ExceptionGroup eg) when (eg.InnerExceptions.All(e => e is ValueError))
            {
                // except* ValueError: every sub-exception matches, so eg is the group itself.
                Py.Print(output, "sub-exceptions:", string.Join(", ", eg.InnerExceptions.Select(e => Py.Str(e))));
            }
        }

        var loop = Asyncio.NewEventLoop(LoopClock.Virtual);
        loop.RunUntilComplete(Main());
        loop.Close();
    }
}
