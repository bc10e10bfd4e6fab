namespace Aio.Examples.Conformance.Scenarios;

/// <summary>call_soon is FIFO; callbacks queued while an iteration runs are deferred to the next iteration, after those already queued.</summary>
public static class S017_CallSoonFifoIterations
{
    public static void Run(TextWriter output)
    {
        var loop = Asyncio.NewEventLoop(LoopClock.Virtual);

        void Cb(string name, int depth)
        {
            Py.Print(output, "run", name);
            if (depth != 0) loop.CallSoon(() => Cb(name + "'", depth - 1));
        }

        loop.CallSoon(() => Cb("A", 2));
        loop.CallSoon(() => Cb("B", 1));
        loop.CallSoon(() => Cb("C", 0));
        for (var i = 0; i < 3; i++)
        {
            Py.Print(output, $"--- iteration {i}");
            ScenarioLoop.RunOnce(loop);
        }
        loop.Close();
    }
}
