namespace Aio.Examples.Conformance.Scenarios;

/// <summary>wait(FIRST_EXCEPTION) returns when a future fails (successful ones do not end the wait); with no failure it waits for all; a cancelled future does not count as an exception.</summary>
public static class S067_WaitFirstException
{
    private static string Names(IEnumerable<Future> s) =>
        "{" + string.Join(", ", s.Select(t => ((ILoopTask)t).Name).Order(StringComparer.Ordinal)) + "}";

    public static void Run(TextWriter output)
    {
        async Coroutine<int> Ok(int steps)
        {
            for (var i = 0; i < steps; i++) await Asyncio.Sleep(0);
            return steps;
        }

        async Coroutine Fail(int steps)
        {
            for (var i = 0; i < steps; i++) await Asyncio.Sleep(0);
            throw new ValueError("boom");
        }

        async Coroutine Blocked(Future<object?> f)
        {
            await f;
        }

        async Coroutine Main()
        {
            var loop = Asyncio.GetRunningLoop();
            var never = loop.CreateFuture<object?>();
            var a = Asyncio.CreateTask(Ok(1), name: "A");
            var b = Asyncio.CreateTask(Fail(3), name: "B");
            var c = Asyncio.CreateTask(Blocked(never), name: "C");
            var (done, pending) = await Asyncio.Wait(new Future[] { a, b, c }, returnWhen: ReturnWhen.FirstException);
            Py.Print(output, "done =", Names(done), "| pending =", Names(pending));
            c.Cancel();
            var d = Asyncio.CreateTask(Ok(1), name: "D");
            var e = Asyncio.CreateTask(Ok(3), name: "E");
            var x = Asyncio.CreateTask(Asyncio.Sleep(1, VoidResult.Value), name: "X");
            await Asyncio.Sleep(0);
            x.Cancel();
            (done, pending) = await Asyncio.Wait(new Future[] { d, e, x }, returnWhen: ReturnWhen.FirstException);
            Py.Print(output, "no failures: done =", Names(done), "| pending =", Names(pending));
            b.Exception();
        }

        var loop = Asyncio.NewEventLoop(LoopClock.Virtual);
        loop.RunUntilComplete(Main());
        loop.Close();
    }
}
