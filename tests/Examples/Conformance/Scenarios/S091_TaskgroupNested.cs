namespace Aio.Examples.Conformance.Scenarios;

/// <summary>Nested TaskGroups: an inner failure propagates as an ExceptionGroup into the outer body, which aborts the outer group; the result is a group within a group.</summary>
public static class S091_TaskgroupNested
{
    private static string Shape(Exception e) => e is ExceptionGroup g
        ? Py.TypeName(g) + "[" + string.Join(", ", g.InnerExceptions.Select(x => Shape(x))) + "]"
        : $"{Py.TypeName(e)}({Py.Str(e)})";

    public static void Run(TextWriter output)
    {
        async Coroutine Sleeper(string name)
        {
            try
            {
                await Asyncio.Sleep(1);
            }
            catch (CancelledException)
            {
                Py.Print(output, name, "cancelled");
                throw;
            }
        }

        async Coroutine Failer()
        {
            await Asyncio.Sleep(0.01);
            throw new ValueError("deep");
        }

        async Coroutine Main()
        {
            try
            {
                await TaskGroup.Run(async outer =>
                {
                    _ = outer.CreateTask(Sleeper("outer child"), name: "X");
                    await TaskGroup.Run(async inner =>
                    {
                        _ = inner.CreateTask(Failer(), name: "F");
                        _ = inner.CreateTask(Sleeper("inner child"), name: "Y");
                    });
                    Py.Print(output, "must not print");
                });
            }
            catch (ExceptionGroup eg)
            {
                Py.Print(output, "caught:", Shape(eg));
            }
            Py.Print(output, "cancelling() =", Asyncio.CurrentTask()!.Cancelling());
        }

        var loop = Asyncio.NewEventLoop(LoopClock.Virtual);
        loop.RunUntilComplete(Main());
        loop.Close();
    }
}
