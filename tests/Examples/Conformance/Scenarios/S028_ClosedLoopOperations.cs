namespace Aio.Examples.Conformance.Scenarios;

/// <summary>Every scheduling entry point of a closed loop raises RuntimeError('Event loop is closed'); create_future still works.</summary>
public static class S028_ClosedLoopOperations
{
    public static void Run(TextWriter output)
    {
        void Print(string text) => Py.Print(output, text);

        var loop = Asyncio.NewEventLoop(LoopClock.Virtual);
        loop.CallSoon(Print, "never runs: discarded by close()");
        loop.Close();

        async Coroutine Coro()
        {
        }

        void Attempt(string label, Action fn)
        {
            try
            {
                fn();
                Py.Print(output, label, "-> ok");
            }
            catch (InvalidOperationException e)
            {
                Py.Print(output, label, "-> RuntimeError:", e);
            }
        }

        Attempt("call_soon", () => loop.CallSoon(() => Print("")));
        Attempt("call_later", () => loop.CallLater(1, () => Print("")));
        Attempt("call_at", () => loop.CallAt(loop.Time() + 1, () => Print("")));
        Attempt("call_soon_threadsafe", () => loop.CallSoonThreadsafe(() => Print("")));
        var c = Coro();
        Attempt("create_task", () => loop.CreateTask(c));
        // c.close(): the refused coroutine never started; dropping it is enough.
        Attempt("run_forever", loop.RunForever);
        c = Coro();
        Attempt("run_until_complete", () => loop.RunUntilComplete(c));
        Attempt("create_future", () => loop.CreateFuture<object?>());
        Py.Print(output, "is_closed =", loop.IsClosed);
    }
}
