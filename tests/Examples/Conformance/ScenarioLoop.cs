namespace Aio.Examples.Conformance;

/// <summary>The loop helper several CPython scenarios define as <c>run_once(loop)</c>, shared by their ports.</summary>
public static class ScenarioLoop
{
    /// <summary>Runs exactly the callbacks already queued (and due timers): one iteration, then stop.</summary>
    public static void RunOnce(Loop loop)
    {
        loop.CallSoon(loop.Stop);
        loop.RunForever();
    }
}
