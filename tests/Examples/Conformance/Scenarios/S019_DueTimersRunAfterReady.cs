namespace Aio.Examples.Conformance.Scenarios;

/// <summary>Timers that are due are appended after the callbacks already queued and run in the same iteration, in deadline order (call_at in the past before call_later(0)).</summary>
public static class S019_DueTimersRunAfterReady
{
    public static void Run(TextWriter output)
    {
        void Print(string text) => Py.Print(output, text);

        var loop = Asyncio.NewEventLoop(LoopClock.Virtual);
        loop.CallLater(0, () => Print("call_later(0)"));
        loop.CallSoon(Print, "call_soon 1");
        loop.CallAt(loop.Time() - 5, () => Print("call_at(now - 5)"));
        loop.CallSoon(Print, "call_soon 2");
        ScenarioLoop.RunOnce(loop);
        Py.Print(output, "--- all of the above ran in one iteration");
        loop.Close();
    }
}
