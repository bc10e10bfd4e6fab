namespace Aio.Examples.Conformance.Scenarios;

/// <summary>Two cancel() calls before delivery: both return True, cancelling() == 2, but only ONE CancelledError (with the first message) is delivered.</summary>
public static class S037_CancelTwice
{
    public static void Run(TextWriter output)
    {
        async Coroutine<string> Victim()
        {
            try
            {
                await Asyncio.Sleep(1);
            }
            catch (CancelledException e)
            {
                Py.Print(output, "victim: CancelledError, message =", e.CancelMessage);
            }
            await Asyncio.Sleep(0);
            Py.Print(output, "victim: second await completed without another CancelledError");
            return "survived";
        }

        async Coroutine Main()
        {
            var t = Asyncio.CreateTask(Victim(), name: "V");
            await Asyncio.Sleep(0);
            Py.Print(output, "cancel('first') ->", t.Cancel("first"));
            Py.Print(output, "cancel('second') ->", t.Cancel("second"));
            Py.Print(output, "cancelling() =", t.Cancelling());
            Py.Print(output, "result =", await t, "| cancelled() =", t.Cancelled, "| cancelling() =", t.Cancelling());
        }

        var loop = Asyncio.NewEventLoop(LoopClock.Virtual);
        loop.RunUntilComplete(Main());
        loop.Close();
    }
}
