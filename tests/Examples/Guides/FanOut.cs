namespace Aio.Examples.Guides;

/// <summary>
/// fan_out: fetch-like coroutines run concurrently under a <see cref="TaskGroup"/>, first with no
/// limit, then under one timeout for the whole batch, then with a page that fails; the last part
/// gathers with <c>returnExceptions</c>. It runs on the virtual clock, so the seconds below take no
/// wall time, and it prints the same lines on every run.
/// </summary>
public static class FanOut
{
    public static void Run(TextWriter output)
    {
        // A stand-in for an HTTP call: each page takes its own (virtual) time; "broken" fails.
        async Coroutine<string> Fetch(string url, double seconds)
        {
            try
            {
                await Asyncio.Sleep(seconds);
            }
            catch (CancelledException)
            {
                output.WriteLine($"  {url}: cancelled, cleaning up");
                throw;
            }
            if (url == "broken") throw new InvalidOperationException($"{url}: 500 Internal Server Error");
            return $"{url} ({seconds * 1000:0} ms)";
        }

        async Coroutine Main()
        {
            var loop = Asyncio.GetRunningLoop();
            var pages = new[] { ("alpha", 0.3), ("beta", 0.1), ("gamma", 0.2) };

            // 1. A TaskGroup's block ends only when every child is done.
            var fetched = new List<LoopTask<string>>();
            await TaskGroup.Run(async tg =>
            {
                foreach (var (url, seconds) in pages) fetched.Add(tg.CreateTask(Fetch(url, seconds), name: url));
            });
            output.WriteLine($"all pages at t={loop.Time():0.00}: {string.Join(", ", fetched.Select(t => t.Result()))}");

            // 2. One budget for the whole batch: when it runs out, the group cancels what is left, and the
            //    timeout turns that cancellation into a TimeoutException at its own boundary.
            var started = loop.Time();
            var budget = Asyncio.Timeout(0.25);
            try
            {
                await budget.Run(async () => await TaskGroup.Run(async tg =>
                {
                    foreach (var (url, seconds) in pages) _ = tg.CreateTask(Fetch(url, seconds), name: url);
                }));
            }
            catch (TimeoutException)
            {
                output.WriteLine($"budget of 0.25 s spent after {loop.Time() - started:0.00} s: {budget}");
            }

            // 3. A failing page cancels its siblings; the group raises every failure together.
            try
            {
                await TaskGroup.Run(async tg =>
                {
                    _ = tg.CreateTask(Fetch("alpha", 0.3), name: "alpha");
                    _ = tg.CreateTask(Fetch("broken", 0.05), name: "broken");
                });
            }
            catch (ExceptionGroup eg)
            {
                output.WriteLine($"{eg.Message}: {string.Join("; ", eg.InnerExceptions.Select(e => e.Message))}");
            }

            // 4. gather with returnExceptions keeps going and reports each outcome in argument order.
            var outcomes = await Asyncio.Gather([Fetch("beta", 0.1), Fetch("broken", 0.05)], returnExceptions: true);
            foreach (var o in outcomes) output.WriteLine(o is Exception e ? $"failed: {e.Message}" : $"ok: {o}");
        }

        Asyncio.Run(Main(), LoopClock.Virtual);
    }
}
