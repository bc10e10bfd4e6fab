namespace Aio.Examples.Conformance.Scenarios;

/// <summary>cancel() on a finished, failed or cancelled task returns False and changes nothing; on a cancelled task result() and exception() raise CancelledError every time.</summary>
public static class S038_CancelAndQueryDoneTasks
{
    public static void Run(TextWriter output)
    {
        async Coroutine<int> Ok() => 5;

        async Coroutine Bad() => throw new ValueError("kept");

        async Coroutine Main()
        {
            var a = Asyncio.CreateTask(Ok(), name: "A");
            var b = Asyncio.CreateTask(Bad(), name: "B");
            var c = Asyncio.CreateTask(Ok(), name: "C");
            c.Cancel();
            await Asyncio.Sleep(0);
            Py.Print(output, "A: cancel() ->", a.Cancel(), "| cancelled() =", a.Cancelled, "| cancelling() =", a.Cancelling(), "| result =", a.Result());
            Py.Print(output, "B: cancel() ->", b.Cancel(), "| exception =", Py.TypeName(b.Exception()!), b.Exception());
            Py.Print(output, "C: cancel() ->", c.Cancel(), "| done() =", c.Done, "| cancelled() =", c.Cancelled, "| cancelling() =", c.Cancelling());
            for (var i = 0; i < 2; i++)
            {
                foreach (var (name, op) in new (string, Action)[] { ("result()", () => c.Result()), ("exception()", () => c.Exception()) })
                {
                    try
                    {
                        op();
                    }
                    catch (CancelledException)
                    {
                        Py.Print(output, $"C: {name} attempt {i}: CancelledError");
                    }
                }
            }
        }

        var loop = Asyncio.NewEventLoop(LoopClock.Virtual);
        loop.RunUntilComplete(Main());
        loop.Close();
    }
}
