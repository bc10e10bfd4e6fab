namespace Aio.Examples.Conformance.Scenarios;

/// <summary>Done callbacks never run inside set_result; they are queued with call_soon in registration order, interleaved FIFO with other call_soon callbacks.</summary>
public static class S011_FutureDoneCallbacksOrder
{
    public static void Run(TextWriter output)
    {
        void Print(string text) => Py.Print(output, text);

        var loop = Asyncio.NewEventLoop(LoopClock.Virtual);
        var f = loop.CreateFuture<string>();
        foreach (var name in "ABC")
        {
            var n = name.ToString();
            f.AddDoneCallback(fut => Py.Print(output, "done callback", n, "sees result", fut.ResultObject(), "same future:", ReferenceEquals(fut, f)));
        }
        loop.CallSoon(Print, "soon-1 (queued before set_result)");
        f.SetResult("R");
        Py.Print(output, "set_result returned; no callback has run yet");
        loop.CallSoon(Print, "soon-2 (queued after set_result)");
        ScenarioLoop.RunOnce(loop);
        Py.Print(output, "--- next iteration");
        ScenarioLoop.RunOnce(loop);
        Py.Print(output, "nothing more ran");
        loop.Close();
    }
}
