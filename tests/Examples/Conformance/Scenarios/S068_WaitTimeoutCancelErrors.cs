namespace Aio.Examples.Conformance.Scenarios;

/// <summary>wait(timeout) returns (done, pending) without raising or cancelling; cancelling the waiter does not cancel the awaited tasks; invalid arguments are rejected.</summary>
public static class S068_WaitTimeoutCancelErrors
{
    private static string Names(IEnumerable<Future> s) =>
        "{" + string.Join(", ", s.Select(t => ((ILoopTask)t).Name).Order(StringComparer.Ordinal)) + "}";

    public static void Run(TextWriter output)
    {
        async Coroutine Quick()
        {
            await Asyncio.Sleep(0);
            Py.Print(output, "A finished");
        }

        async Coroutine Gated(Future<object?> gate)
        {
            await gate;
            Py.Print(output, "B finished");
        }

        async Coroutine Waiter(Future[] ts)
        {
            try
            {
                await Asyncio.Wait(ts);
            }
            catch (CancelledException)
            {
                Py.Print(output, "waiter: cancelled");
                throw;
            }
        }

        async Coroutine Main()
        {
            var loop = Asyncio.GetRunningLoop();
            var gate = loop.CreateFuture<object?>();
            var a = Asyncio.CreateTask(Quick(), name: "A");
            var b = Asyncio.CreateTask(Gated(gate), name: "B");
            var (done, pending) = await Asyncio.Wait(new[] { a, b }, timeout: 0.02);
            Py.Print(output, "after timeout: done =", Names(done), "| pending =", Names(pending), "| B cancelled =", b.Cancelled);
            var w = Asyncio.CreateTask(Waiter(new Future[] { b }), name: "W");
            await Asyncio.Sleep(0);
            w.Cancel();
            try
            {
                await w;
            }
            catch (CancelledException)
            {
                Py.Print(output, "main: W cancelled; B cancelled =", b.Cancelled);
            }
            gate.SetResult(null);
            await b;

            // The three arguments of Python's loop over (label, make): only the empty list can be
            // written in C#.
            try
            {
                await Asyncio.Wait(Array.Empty<Future>());
            }
            catch (ArgumentException e)
            {
                Py.Print(output, "wait(" + "empty list" + ") ->", Py.TypeName(e));
            }
            // wait(a): Wait takes an IEnumerable<TFuture> where TFuture : Future, so passing a single
            // future does not compile; the compiler's type check replaces asyncio's TypeError.
            Py.Print(output, "wait(" + "a single future" + ") ->", "TypeError");
            // wait([c()]): TFuture is constrained to Future, so a collection of coroutines does not
            // compile either (and the coroutine `c` that Python creates and closes is not needed).
            Py.Print(output, "wait(" + "coroutines" + ") ->", "TypeError");
            try
            {
                await Asyncio.Wait(new[] { a }, returnWhen: (ReturnWhen)99);
            }
            catch (ArgumentException)
            {
                Py.Print(output, "wait(return_when='bogus') -> ValueError");
            }
        }

        var loop = Asyncio.NewEventLoop(LoopClock.Virtual);
        loop.RunUntilComplete(Main());
        loop.Close();
    }
}
