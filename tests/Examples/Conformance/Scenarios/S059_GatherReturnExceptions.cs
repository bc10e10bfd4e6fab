namespace Aio.Examples.Conformance.Scenarios;

/// <summary>gather(return_exceptions=True) puts exceptions (and CancelledError for cancelled children) in the result list instead of raising.</summary>
public static class S059_GatherReturnExceptions
{
    // f"{type(r).__name__}({r.args[0] if r.args else ''})": a CancelledException without a cancel
    // message has the empty Message, as CancelledError() has no args.
    private static string Show(object? r) =>
        r is Exception e ? $"{Py.TypeName(e)}({e.Message})" : Repr.Of(r);

    public static void Run(TextWriter output)
    {
        async Coroutine<int> Ok()
        {
            await Asyncio.Sleep(0);
            return 1;
        }

        async Coroutine Bad()
        {
            await Asyncio.Sleep(0);
            throw new ValueError("x");
        }

        async Coroutine Main()
        {
            var c = Asyncio.CreateTask(Asyncio.Sleep(1, VoidResult.Value), name: "C");
            await Asyncio.Sleep(0);
            c.Cancel();
            var results = await Asyncio.Gather(new object[] { Ok(), Bad(), c }, returnExceptions: true);
            Py.Print(output, "results:", string.Join(", ", results.Select(Show)));
        }

        var loop = Asyncio.NewEventLoop(LoopClock.Virtual);
        loop.RunUntilComplete(Main());
        loop.Close();
    }
}
