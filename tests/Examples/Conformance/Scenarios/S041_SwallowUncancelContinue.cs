namespace Aio.Examples.Conformance.Scenarios;

/// <summary>A long-running task absorbs a cancellation with uncancel() and keeps working; later awaits are not affected.</summary>
public static class S041_SwallowUncancelContinue
{
    public static void Run(TextWriter output)
    {
        async Coroutine<string> Resilient()
        {
            var me = Asyncio.CurrentTask()!;
            for (var i = 0; i < 3; i++)
            {
                try
                {
                    await Asyncio.Sleep(0.01);
                    Py.Print(output, "iteration", i, "completed");
                }
                catch (CancelledException)
                {
                    Py.Print(output, "iteration", i, "cancelled; uncancel() ->", me.Uncancel());
                }
            }
            return "done";
        }

        async Coroutine Main()
        {
            var t = Asyncio.CreateTask(Resilient(), name: "R");
            await Asyncio.Sleep(0);
            t.Cancel();
            Py.Print(output, "result =", await t, "| cancelling() =", t.Cancelling(), "| cancelled() =", t.Cancelled);
        }

        var loop = Asyncio.NewEventLoop(LoopClock.Virtual);
        loop.RunUntilComplete(Main());
        loop.Close();
    }
}
