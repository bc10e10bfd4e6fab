namespace Aio.Examples.Conformance.Scenarios;

/// <summary>remove_done_callback removes every registration of the callback and returns the count; once callbacks are scheduled they can no longer be removed.</summary>
public static class S013_FutureRemoveDoneCallback
{
    public static void Run(TextWriter output)
    {
        void A(Future fut) => Py.Print(output, "a ran");

        void B(Future fut) => Py.Print(output, "b ran");

        void C(Future fut) => Py.Print(output, "c ran");

        var loop = Asyncio.NewEventLoop(LoopClock.Virtual);
        var f = loop.CreateFuture<object?>();
        f.AddDoneCallback(A);
        f.AddDoneCallback(B);
        f.AddDoneCallback(A);
        f.AddDoneCallback(C);
        f.AddDoneCallback(B);
        Py.Print(output, "remove a ->", f.RemoveDoneCallback(A));
        Py.Print(output, "remove a again ->", f.RemoveDoneCallback(A));
        f.SetResult(null);
        ScenarioLoop.RunOnce(loop);

        var g = loop.CreateFuture<object?>();
        g.AddDoneCallback(C);
        g.SetResult(null);
        Py.Print(output, "remove after done ->", g.RemoveDoneCallback(C));
        ScenarioLoop.RunOnce(loop);
        loop.Close();
    }
}
