namespace Aio.Examples.Conformance.Scenarios;

/// <summary>wait(ALL_COMPLETED) returns (done, pending) once every future is done; it never raises the children's exceptions.</summary>
public static class S065_WaitAllCompleted
{
    private static string Names(IEnumerable<Future> s) =>
        "{" + string.Join(", ", s.Select(t => ((ILoopTask)t).Name).Order(StringComparer.Ordinal)) + "}";

    public static void Run(TextWriter output)
    {
        async Coroutine<double> Job(double delay, bool fail = false)
        {
            await Asyncio.Sleep(delay);
            if (fail) throw new ValueError("job failed");
            return delay;
        }

        async Coroutine Main()
        {
            var a = Asyncio.CreateTask(Job(0.02), name: "A");
            var b = Asyncio.CreateTask(Job(0.01, fail: true), name: "B");
            var c = Asyncio.CreateTask(Job(0.03), name: "C");
            var (done, pending) = await Asyncio.Wait(new[] { a, b, c });
            Py.Print(output, "done =", Names(done), "| pending =", Names(pending));
            Py.Print(output, "B exception retrieved afterwards:", Py.TypeName(b.Exception()!));
        }

        var loop = Asyncio.NewEventLoop(LoopClock.Virtual);
        loop.RunUntilComplete(Main());
        loop.Close();
    }
}
