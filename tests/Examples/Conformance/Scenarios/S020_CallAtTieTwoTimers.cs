namespace Aio.Examples.Conformance.Scenarios;

/// <summary>Two timers with exactly the same deadline run in registration order (the spec requires FIFO tie-breaking for any number of timers).</summary>
public static class S020_CallAtTieTwoTimers
{
    public static void Run(TextWriter output)
    {
        void Print(string text) => Py.Print(output, text);

        var loop = Asyncio.NewEventLoop(LoopClock.Virtual);
        var w = loop.Time() + 0.01;
        loop.CallAt(w, () => Print("first registered"));
        loop.CallAt(w, () => Print("second registered"));
        loop.CallAt(w + 0.01, loop.Stop);
        loop.RunForever();
        loop.Close();
    }
}
