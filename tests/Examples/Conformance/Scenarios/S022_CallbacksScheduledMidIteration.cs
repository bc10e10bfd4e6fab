namespace Aio.Examples.Conformance.Scenarios;

/// <summary>Work queued during an iteration (call_soon, or a timer already due) waits for the next iteration; timers due at the start of an iteration run in it.</summary>
public static class S022_CallbacksScheduledMidIteration
{
    public static void Run(TextWriter output)
    {
        void Print(string text) => Py.Print(output, text);

        var loop = Asyncio.NewEventLoop(LoopClock.Virtual);

        void X()
        {
            Py.Print(output, "X");
            loop.CallSoon(Print, "Y (call_soon from X)");
            loop.CallAt(loop.Time() - 1, () => Print("T2 (already-due timer created by X)"));
        }

        loop.CallSoon(X);
        loop.CallAt(loop.Time() - 1, () => Print("T1 (due timer)"));
        Py.Print(output, "--- iteration 1");
        ScenarioLoop.RunOnce(loop);
        Py.Print(output, "--- iteration 2");
        ScenarioLoop.RunOnce(loop);
        loop.Close();
    }
}
