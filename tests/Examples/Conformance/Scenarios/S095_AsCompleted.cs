namespace Aio.Examples.Conformance.Scenarios;

/// <summary>as_completed yields in completion order: plain iteration gives awaitables resolving to results, async iteration (3.13) gives the original tasks; a timeout raises TimeoutError for the rest.</summary>
public static class S095_AsCompleted
{
    public static void Run(TextWriter output)
    {
        async Coroutine<string> Job(string name, double delay)
        {
            await Asyncio.Sleep(delay);
            return name;
        }

        // Python's blocked(f) returns None; here it returns what f would give, a string, so that
        // "quick" and "late" are futures of one result type for AsCompleted<string>. f never
        // completes (late is cancelled at the end), so no result is ever produced.
        async Coroutine<string> Blocked(Future<string> f)
        {
            return await f;
        }

        async Coroutine Main()
        {
            LoopTask<string>[] ts =
            [
                Asyncio.CreateTask(Job("slow", 0.15), name: "slow"),
                Asyncio.CreateTask(Job("fast", 0.05), name: "fast"),
                Asyncio.CreateTask(Job("mid", 0.1), name: "mid"),
            ];
            foreach (var aw in Asyncio.AsCompleted(ts))
            {
                Py.Print(output, "plain iteration:", await aw);
            }

            ts =
            [
                Asyncio.CreateTask(Job("x", 0.1), name: "x"),
                Asyncio.CreateTask(Job("y", 0.05), name: "y"),
            ];
            await foreach (var t in Asyncio.AsCompleted(ts))
            {
                // t in ts: by reference.
                Py.Print(output, "async iteration yields the original task:", ((ILoopTask)t).Name, ts.Any(x => ReferenceEquals(x, t)), "| result =", t.Result());
            }

            var loop = Asyncio.GetRunningLoop();
            var never = loop.CreateFuture<string>();
            ts =
            [
                Asyncio.CreateTask(Job("quick", 0), name: "quick"),
                Asyncio.CreateTask(Blocked(never), name: "late"),
            ];
            await Asyncio.Sleep(0);
            try
            {
                foreach (var aw in Asyncio.AsCompleted(ts, timeout: 0.05))
                {
                    Py.Print(output, "with timeout:", await aw);
                }
            }
            catch (TimeoutException)
            {
                Py.Print(output, "with timeout: TimeoutError for the rest; late cancelled =", ts[1].Cancelled);
            }
            ts[1].Cancel();
        }

        var loop = Asyncio.NewEventLoop(LoopClock.Virtual);
        loop.RunUntilComplete(Main());
        loop.Close();
    }
}
