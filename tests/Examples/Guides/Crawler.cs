namespace Aio.Examples.Guides;

/// <summary>
/// crawler: a fan-out of fetch-like coroutines inside a <see cref="TaskGroup"/>, at most five at a time
/// thanks to an <see cref="AsyncSemaphore"/>; the group ends when every page is done. On the virtual
/// clock, so the printed times are exact.
/// </summary>
public static class Crawler
{
    public static void Run(TextWriter output)
    {
        async Coroutine Main()
        {
            var loop = Asyncio.GetRunningLoop();
            var five = new AsyncSemaphore(5);
            var running = 0;
            var peak = 0;

            async Coroutine<int> Fetch(int page)
            {
                using (await five.WaitAsync())   // waits while five fetches run
                {
                    peak = Math.Max(peak, ++running);
                    await Asyncio.Sleep(0.1);      // the download
                    running--;
                    return page * 10;              // "bytes"
                }
            }

            var pages = new List<LoopTask<int>>();
            await TaskGroup.Run(async tg =>
            {
                for (var page = 1; page <= 12; page++) pages.Add(tg.CreateTask(Fetch(page), name: $"page-{page}"));
            });
            output.WriteLine($"fetched {pages.Count} pages, {pages.Sum(p => p.Result())} bytes, in {loop.Time():0.0} s; at most {peak} at a time");
        }

        Asyncio.Run(Main(), LoopClock.Virtual);
    }
}
