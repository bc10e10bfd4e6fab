namespace Aio.Examples.Conformance.Scenarios;

/// <summary>An exception escaping a callback (plain or done-callback) goes to the loop exception handler and the loop keeps running; a failing task does not call it; call_exception_handler passes custom contexts.</summary>
public static class S026_ExceptionInCallbackHandler
{
    public static void Run(TextWriter output)
    {
        void Print(string text) => Py.Print(output, text);

        void Handler(Loop loop, ExceptionContext context)
        {
            var exc = context.Exception;
            Py.Print(output, "handler: message starts with 'Exception in callback':",
                context.Message.StartsWith("Exception in callback", StringComparison.Ordinal),
                "| exception:", exc is null ? null : Py.TypeName(exc), exc,
                "| has handle:", context.ContainsKey("handle"));
        }

        var loop = Asyncio.NewEventLoop(LoopClock.Virtual);
        Py.Print(output, "default handler installed:", loop.GetExceptionHandler() is null);
        Action<Loop, ExceptionContext> handler = Handler;
        loop.SetExceptionHandler(handler);
        Py.Print(output, "custom handler installed:", ReferenceEquals(loop.GetExceptionHandler(), handler));

        void Bad()
        {
            Py.Print(output, "bad: raising");
            throw new ValueError("callback failed");
        }

        loop.CallSoon(Print, "before");
        loop.CallSoon(Bad);
        loop.CallSoon(Print, "after (same iteration)");
        ScenarioLoop.RunOnce(loop);

        var f = loop.CreateFuture<object?>();
        void FailingDoneCallback(Future fut) => throw new RuntimeError("done callback failed");

        f.AddDoneCallback(FailingDoneCallback);
        f.AddDoneCallback(fut => Py.Print(output, "second done callback still runs"));
        f.SetResult(null);
        ScenarioLoop.RunOnce(loop);

        async Coroutine Failing() => throw new KeyError("task failure is stored, not reported");

        var t = loop.CreateTask(Failing(), name: "F");
        ScenarioLoop.RunOnce(loop);
        Py.Print(output, "task failed quietly:", Py.TypeName(t.Exception()!));

        loop.SetExceptionHandler((lp, ctx) => Py.Print(output, "custom context:", ctx.Message, ctx["extra"]));
        loop.CallExceptionHandler(new ExceptionContext("hello") { ["extra"] = 42 });
        loop.SetExceptionHandler(null);
        Py.Print(output, "reset to default:", loop.GetExceptionHandler() is null);
        loop.Close();
    }
}
