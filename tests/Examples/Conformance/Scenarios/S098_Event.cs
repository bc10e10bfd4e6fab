namespace Aio.Examples.Conformance.Scenarios;

/// <summary>Event: set() wakes every waiter in the order they started waiting; wait() on a set event returns True without suspending; clear() re-arms it.</summary>
public static class S098_Event
{
    public static void Run(TextWriter output)
    {
        async Coroutine Waiter(AsyncEvent ev, string name)
        {
            Py.Print(output, name, "waiting");
            var r = await ev.Wait();
            Py.Print(output, name, "woke, wait() returned", r);
        }

        async Coroutine Other()
        {
            Py.Print(output, "other task ran");
        }

        async Coroutine Main()
        {
            var ev = new AsyncEvent();
            var ws = new[] { "W1", "W2", "W3" }.Select(n => Asyncio.CreateTask(Waiter(ev, n), name: n)).ToList();
            await Asyncio.Sleep(0);
            Py.Print(output, "set(); is_set() =", ev.IsSet);
            ev.Set();
            Py.Print(output, "is_set() =", ev.IsSet);
            foreach (var w in ws) await w;
            var o = Asyncio.CreateTask(Other(), name: "O");
            Py.Print(output, "wait() on a set event ->", await ev.Wait(), "| other ran:", o.Done);
            ev.Clear();
            Py.Print(output, "after clear(): is_set() =", ev.IsSet);
            var w4 = Asyncio.CreateTask(Waiter(ev, "W4"), name: "W4");
            await Asyncio.Sleep(0);
            Py.Print(output, "W4 blocked:", !w4.Done);
            ev.Set();
            await w4;
            await o;
        }

        var loop = Asyncio.NewEventLoop(LoopClock.Virtual);
        loop.RunUntilComplete(Main());
        loop.Close();
    }
}
