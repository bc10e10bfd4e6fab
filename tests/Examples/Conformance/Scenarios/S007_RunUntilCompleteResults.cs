namespace Aio.Examples.Conformance.Scenarios;

/// <summary>run_until_complete returns the result or raises the exception; the loop stays usable; a done future still runs one full iteration; non-awaitables are rejected.</summary>
public static class S007_RunUntilCompleteResults
{
    public static void Run(TextWriter output)
    {
        async Coroutine<int> Ok() => 42;

        async Coroutine Bad() => throw new ValueError("boom");

        void Print(string text) => Py.Print(output, text);

        var loop = Asyncio.NewEventLoop(LoopClock.Virtual);
        Py.Print(output, "ok ->", loop.RunUntilComplete(Ok()));
        try
        {
            loop.RunUntilComplete(Bad());
        }
        catch (ValueError e)
        {
            Py.Print(output, "bad raised ValueError:", e);
        }
        Py.Print(output, "loop still usable ->", loop.RunUntilComplete(Ok()));

        var f = loop.CreateFuture<string>();
        f.SetResult("already done");
        loop.CallSoon(Print, "callback queued before run_until_complete(done future)");
        Py.Print(output, "done future ->", loop.RunUntilComplete(f));

        try
        {
            // The untyped entry: the typed overloads accept only futures and coroutines.
            loop.RunUntilComplete((object)123);
        }
        catch (ArgumentTypeException)
        {
            Py.Print(output, "run_until_complete(123) raised TypeError");
        }
        loop.Close();
    }
}
