namespace Aio.Examples.Conformance.Scenarios;

/// <summary>loop.call_soon from a coroutine: callbacks (with args / partial kwargs) run in FIFO order once the task yields, before the task resumes.</summary>
public static class S005_CallSoonFromCoroutine
{
    public static void Run(TextWriter output)
    {
        void Callback(int arg, string kwarg = "default") =>
            Py.Print(output, $"callback invoked with {arg} and {kwarg}");

        async Coroutine Main(Loop loop)
        {
            Py.Print(output, "registering callbacks");
            var h = loop.CallSoon(arg => Callback(arg), 1);
            // functools.partial(callback, kwarg="not default")
            Action<int> wrapped = arg => Callback(arg, kwarg: "not default");
            loop.CallSoon(wrapped, 2);
            Py.Print(output, "callbacks registered, none has run yet; handle cancelled() =", h.Cancelled);
            await Asyncio.Sleep(0);
            Py.Print(output, "main resumed after the callbacks");
        }

        var loop = Asyncio.NewEventLoop(LoopClock.Virtual);
        try
        {
            Py.Print(output, "entering event loop");
            loop.RunUntilComplete(Main(loop));
        }
        finally
        {
            Py.Print(output, "closing event loop");
            loop.Close();
        }
    }
}
