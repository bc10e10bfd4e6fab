namespace Aio.Examples.Conformance.Scenarios;

/// <summary>Future state machine: result()/exception() before done raise InvalidStateError; a done future rejects set_result/set_exception; cancel() only from pending.</summary>
public static class S010_FutureStateRules
{
    public static void Run(TextWriter output)
    {
        var loop = Asyncio.NewEventLoop(LoopClock.Virtual);

        var f = loop.CreateFuture<int>();
        Py.Print(output, "new: done =", f.Done, "cancelled =", f.Cancelled);
        try
        {
            f.Result();
        }
        catch (InvalidStateException)
        {
            Py.Print(output, "result() on pending: InvalidStateError");
        }
        try
        {
            f.Exception();
        }
        catch (InvalidStateException)
        {
            Py.Print(output, "exception() on pending: InvalidStateError");
        }

        f.SetResult(5);
        Py.Print(output, "after set_result(5): done =", f.Done, "result =", f.Result(), "exception =", f.Exception());
        foreach (var (label, op) in new (string, Action)[]
        {
            ("set_result(6)", () => f.SetResult(6)),
            ("set_exception(ValueError())", () => f.SetException(new ValueError())),
        })
        {
            try
            {
                op();
            }
            catch (InvalidStateException)
            {
                Py.Print(output, label, "on finished future: InvalidStateError");
            }
        }
        Py.Print(output, "cancel() on finished future:", f.Cancel(), "result still", f.Result());

        var g = loop.CreateFuture<int>();
        Py.Print(output, "cancel() pending:", g.Cancel(), "cancel() again:", g.Cancel());
        Py.Print(output, "cancelled =", g.Cancelled, "done =", g.Done);
        try
        {
            g.SetResult(1);
        }
        catch (InvalidStateException)
        {
            Py.Print(output, "set_result on cancelled future: InvalidStateError");
        }
        foreach (var (label, op) in new (string, Action)[] { ("result()", () => g.Result()), ("exception()", () => g.Exception()) })
        {
            try
            {
                op();
            }
            catch (CancelledException)
            {
                Py.Print(output, label, "on cancelled future: CancelledError");
            }
        }

        var h = loop.CreateFuture<object?>();
        h.SetException<ValueError>();
        var exc = h.Exception()!;
        Py.Print(output, "set_exception(ValueError class) stored an instance:", Py.TypeName(exc), exc is ValueError);
        try
        {
            h.Result();
        }
        catch (ValueError e)
        {
            Py.Print(output, "result() re-raises the stored exception:", ReferenceEquals(e, exc));
        }
        Py.Print(output, "exception() still returns it:", ReferenceEquals(h.Exception(), exc), "cancelled =", h.Cancelled);
        loop.Close();
    }
}
