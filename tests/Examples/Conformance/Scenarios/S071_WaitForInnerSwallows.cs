namespace Aio.Examples.Conformance.Scenarios;

/// <summary>If the awaitable suppresses the timeout's cancellation and returns a value, wait_for returns that value instead of raising TimeoutError.</summary>
public static class S071_WaitForInnerSwallows
{
    public static void Run(TextWriter output)
    {
        async Coroutine<string> Stubborn()
        {
            try
            {
                await Asyncio.Sleep(1);
            }
            catch (CancelledException)
            {
                Py.Print(output, "stubborn: cancelled by the timeout, returning a partial result");
            }
            return "partial";
        }

        async Coroutine Main()
        {
            var r = await Asyncio.WaitFor(Stubborn(), 0.01);
            Py.Print(output, "wait_for returned", r, "| cancelling() =", Asyncio.CurrentTask()!.Cancelling());
            await Asyncio.Sleep(0);
            Py.Print(output, "later awaits work normally");
        }

        var loop = Asyncio.NewEventLoop(LoopClock.Virtual);
        loop.RunUntilComplete(Main());
        loop.Close();
    }
}
