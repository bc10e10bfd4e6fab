namespace Aio.Examples.Conformance.Scenarios;

/// <summary>A task cancelled before its first step never executes any of its body; awaiting it raises CancelledError carrying the cancel message.</summary>
public static class S035_CancelBeforeFirstStep
{
    public static void Run(TextWriter output)
    {
        async Coroutine Body()
        {
            Py.Print(output, "body: started (must not print)");
            try
            {
                await Asyncio.Sleep(0);
            }
            finally
            {
                Py.Print(output, "body: finally (must not print)");
            }
        }

        async Coroutine Main()
        {
            var t = Asyncio.CreateTask(Body(), name: "B");
            Py.Print(output, "cancel('early') ->", t.Cancel("early"));
            Py.Print(output, "cancelling() =", t.Cancelling(), "done() =", t.Done);
            try
            {
                await t;
            }
            catch (CancelledException e)
            {
                Py.Print(output, "await raised CancelledError, message =", e.CancelMessage);
            }
            Py.Print(output, "cancelled() =", t.Cancelled);
        }

        var loop = Asyncio.NewEventLoop(LoopClock.Virtual);
        loop.RunUntilComplete(Main());
        loop.Close();
    }
}
