namespace Aio.Examples.Conformance.Scenarios;

/// <summary>Task/Future repr state words: pending, cancelling, cancelled, finished (with result=/exception=). Source-location parts are stripped.</summary>
public static class S002_TaskAndFutureRepr
{
    // Drop the coro=<...>, wait_for=<...> and cb=[...] parts: they contain source locations.
    private static string Short(object obj)
    {
        var r = obj.ToString()!;
        foreach (var key in new[] { " coro=<", " wait_for=<", " cb=[" })
        {
            while (r.Contains(key, StringComparison.Ordinal))
            {
                var i = r.IndexOf(key, StringComparison.Ordinal);
                var j = i + key.Length;
                var opener = key[^1];
                var closer = opener == '<' ? '>' : ']';
                var depth = 1;
                while (depth > 0)
                {
                    if (r[j] == opener) depth += 1;
                    else if (r[j] == closer) depth -= 1;
                    j += 1;
                }
                r = r[..i] + r[j..];
            }
        }
        return r;
    }

    public static void Run(TextWriter output)
    {
        async Coroutine Sleeper() => await Asyncio.Sleep(10);

        async Coroutine<int> Value() => 7;

        async Coroutine Fails() => throw new ValueError("bad");

        async Coroutine<string> Stubborn()
        {
            try
            {
                await Asyncio.Sleep(10);
            }
            catch (CancelledException)
            {
            }
            return "ignored";
        }

        async Coroutine Main()
        {
            var loop = Asyncio.GetRunningLoop();
            var t = Asyncio.CreateTask(Sleeper(), name: "T");
            Py.Print(output, "created:", Short(t));
            await Asyncio.Sleep(0);
            Py.Print(output, "waiting on sleep:", Short(t));
            t.Cancel();
            Py.Print(output, "after cancel():", Short(t));
            await Asyncio.Sleep(0);
            Py.Print(output, "after cancellation delivered:", Short(t));

            var c = Asyncio.CreateTask(Sleeper(), name: "C");
            c.Cancel();
            Py.Print(output, "cancel requested before first step:", Short(c));
            await Asyncio.Sleep(0);
            Py.Print(output, "then:", Short(c));

            var r = Asyncio.CreateTask(Value(), name: "R");
            var e = Asyncio.CreateTask(Fails(), name: "E");
            var s = Asyncio.CreateTask(Stubborn(), name: "S");
            await Asyncio.Sleep(0);
            s.Cancel();
            Py.Print(output, "stubborn while cancelling:", Short(s));
            await Asyncio.Sleep(0);
            Py.Print(output, "finished with result:", Short(r));
            Py.Print(output, "finished with exception:", Short(e));
            Py.Print(output, "swallowed cancellation:", Short(s), "cancelling() =", s.Cancelling());
            e.Exception();

            var f = loop.CreateFuture<string>();
            Py.Print(output, "future pending:", Short(f));
            f.AddDoneCallback(_ => { });
            Py.Print(output, "future pending with callback:", Short(f));
            f.SetResult("x");
            Py.Print(output, "future finished:", Short(f));
            var g = loop.CreateFuture<object?>();
            g.Cancel();
            Py.Print(output, "future cancelled:", Short(g));
            var h = loop.CreateFuture<object?>();
            h.SetException(new ValueError("oops"));
            Py.Print(output, "future exception:", Short(h));
            h.Exception();
        }

        var loop = Asyncio.NewEventLoop(LoopClock.Virtual);
        loop.RunUntilComplete(Main());
        loop.Close();
    }
}
