namespace Aio.Examples.Conformance.Scenarios;

/// <summary>ensure_future: a future is returned as is, a coroutine or other awaitable is wrapped in a new Task, anything else is a TypeError, a future from another loop a ValueError.</summary>
public static class S056_EnsureFutureVariants
{
    // An awaitable that is neither a future nor a coroutine: its awaiter is that of a coroutine
    // which yields once (asyncio.sleep(0)) and then returns, as Thing.__await__ does.
    private sealed class Thing
    {
        public Awaiters.CoroutineAwaiter<string> GetAwaiter() => Await().GetAwaiter();

        private static async Coroutine<string> Await()
        {
            await Asyncio.Sleep(0);
            return "thing-result";
        }
    }

    public static void Run(TextWriter output)
    {
        async Coroutine<string> Coro() => "coro-result";

        async Coroutine Main()
        {
            var loop = Asyncio.GetRunningLoop();
            var f = loop.CreateFuture<object?>();
            Py.Print(output, "future returned unchanged:", ReferenceEquals(Asyncio.EnsureFuture(f), f));
            var t = Asyncio.EnsureFuture(Coro());
            Py.Print(output, "coroutine -> Task:", (object)t is ILoopTask, "| started yet:", t.Done);
            Py.Print(output, "await ->", await t);
            var w = Asyncio.EnsureFuture(new Thing());
            Py.Print(output, "awaitable -> Task:", w is ILoopTask);
            await w;
            Py.Print(output, "await ->", w.ResultObject());
            try
            {
                // The untyped entry: the typed overloads accept only futures and coroutines.
                _ = Asyncio.EnsureFuture((object)42);
            }
            catch (ArgumentTypeException e)
            {
                Py.Print(output, "ensure_future(42) -> TypeError:", e);
            }
            var other = Asyncio.NewEventLoop(LoopClock.Virtual);
            try
            {
                _ = Asyncio.EnsureFuture(other.CreateFuture<object?>(), loop: loop);
            }
            catch (ArgumentException)
            {
                Py.Print(output, "future of another loop -> ValueError");
            }
            other.Close();
            f.Cancel();
        }

        var loop = Asyncio.NewEventLoop(LoopClock.Virtual);
        loop.RunUntilComplete(Main());
        loop.Close();
    }
}
