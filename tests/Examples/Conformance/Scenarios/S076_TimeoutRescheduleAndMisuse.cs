namespace Aio.Examples.Conformance.Scenarios;

/// <summary>Timeout.reschedule(): None disables, a new deadline re-arms; it is only allowed while active; a Timeout cannot be entered twice or outside a task.</summary>
public static class S076_TimeoutRescheduleAndMisuse
{
    public static void Run(TextWriter output)
    {
        async Coroutine Main()
        {
            var loop = Asyncio.GetRunningLoop();
            // Created before the try (Python creates it in the `async with` line inside it) so that the
            // except clause and the code after it can name it; creating a timeout raises nothing here.
            var cm = Asyncio.Timeout(0.01);
            try
            {
                await cm.Run(async () =>
                {
                    cm.Reschedule(null);
                    Py.Print(output, "disabled: when() =", cm.When);
                    await Asyncio.Sleep(0.02);
                    Py.Print(output, "survived past the original deadline");
                    cm.Reschedule(loop.Time() + 0.01);
                    await Asyncio.Sleep(1);
                });
            }
            catch (TimeoutException)
            {
                Py.Print(output, "re-armed deadline fired: expired() =", cm.Expired);
            }
            foreach (var (label, t) in new[] { ("not entered", Asyncio.TimeoutAt(loop.Time() + 1)), ("expired", cm) })
            {
                try
                {
                    t.Reschedule(null);
                }
                catch (InvalidOperationException e)
                {
                    Py.Print(output, "reschedule on", label, "->", e);
                }
            }
            var done = Asyncio.Timeout(1);
            await done.Run(async () => { });
            try
            {
                done.Reschedule(null);
            }
            catch (InvalidOperationException e)
            {
                Py.Print(output, "reschedule on finished ->", e);
            }
            try
            {
                await done.Run(async () => { });
            }
            catch (InvalidOperationException e)
            {
                Py.Print(output, "entering twice ->", e);
            }
        }

        var loop = Asyncio.NewEventLoop(LoopClock.Virtual);
        loop.RunUntilComplete(Main());

        async Coroutine UsesTimeout()
        {
            await Asyncio.Timeout(1, async () => { });
        }

        // c.send(None) from a plain callback: Start() runs the body synchronously, outside any task,
        // and the builder keeps what it raised in the coroutine (IsCompleted, Error).
        // Start() is internal (the test project sees the internals): the public API has no way to step
        // a coroutine outside a task, which is exactly what this part of the scenario is about.
        void DriveWithoutTask()
        {
            var c = UsesTimeout();
            c.Start();
            if (c.Error is InvalidOperationException e) Py.Print(output, "outside a task ->", e.Message);
            // c.close(): the coroutine already finished (with the error); dropping it is enough.
        }

        loop.CallSoon(DriveWithoutTask);
        ScenarioLoop.RunOnce(loop);
        loop.Close();
    }
}
