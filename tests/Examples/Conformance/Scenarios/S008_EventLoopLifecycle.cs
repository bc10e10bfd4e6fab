namespace Aio.Examples.Conformance.Scenarios;

/// <summary>new_event_loop/set_event_loop/get_event_loop/get_running_loop/is_running/is_closed and idempotent close.</summary>
public static class S008_EventLoopLifecycle
{
    public static void Run(TextWriter output)
    {
        var loop = Asyncio.NewEventLoop(LoopClock.Virtual);
        Asyncio.SetEventLoop(loop);
        Py.Print(output, "get_event_loop() is loop:", ReferenceEquals(Asyncio.GetEventLoop(), loop));
        Py.Print(output, "is_running:", loop.IsRunning, "is_closed:", loop.IsClosed);
        try
        {
            Asyncio.GetRunningLoop();
        }
        catch (InvalidOperationException e)
        {
            Py.Print(output, "get_running_loop() outside:", e);
        }

        async Coroutine<string> Main()
        {
            Py.Print(output, "inside: get_running_loop() is loop:", ReferenceEquals(Asyncio.GetRunningLoop(), loop));
            Py.Print(output, "inside: get_event_loop() is loop:", ReferenceEquals(Asyncio.GetEventLoop(), loop));
            Py.Print(output, "inside: is_running:", loop.IsRunning);
            return "main done";
        }

        Py.Print(output, loop.RunUntilComplete(Main()));
        Py.Print(output, "after: is_running:", loop.IsRunning);
        loop.Close();
        Py.Print(output, "after close: is_closed:", loop.IsClosed);
        loop.Close();
        Py.Print(output, "second close() is a no-op");
        Asyncio.SetEventLoop(null);
    }
}
