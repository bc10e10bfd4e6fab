namespace Aio.Examples.Guides;

/// <summary>
/// producer_consumer: a producer fills a bounded <see cref="AsyncQueue{T}"/> (it waits whenever the
/// queue is full), three workers take jobs from it, and <see cref="AsyncQueue{T}.Join"/> returns once
/// every job was marked done; then the workers are cancelled. On the virtual clock.
/// </summary>
public static class ProducerConsumer
{
    public static void Run(TextWriter output)
    {
        async Coroutine Main()
        {
            var loop = Asyncio.GetRunningLoop();
            var jobs = new AsyncQueue<int>(maxSize: 2);

            async Coroutine Producer()
            {
                for (var job = 1; job <= 6; job++)
                {
                    await jobs.Put(job);   // waits while two jobs are queued
                    output.WriteLine($"t={loop.Time():0.0} queued job {job} (queue: {jobs.Qsize})");
                }
            }

            async Coroutine Worker(string name)
            {
                while (true)
                {
                    var job = await jobs.Get();
                    await Asyncio.Sleep(0.1 * job);   // the work itself
                    output.WriteLine($"t={loop.Time():0.0} {name} finished job {job}");
                    jobs.TaskDone();
                }
            }

            var workers = new[] { "w1", "w2", "w3" }.Select(n => Asyncio.CreateTask(Worker(n), name: n)).ToList();
            await Producer();
            await jobs.Join();   // every job put was marked done
            output.WriteLine($"t={loop.Time():0.0} all jobs done");
            foreach (var w in workers) w.Cancel();
            var (done, _) = await Asyncio.Wait(workers);
            output.WriteLine($"workers stopped: {done.Count(w => w.Cancelled)}");
        }

        Asyncio.Run(Main(), LoopClock.Virtual);
    }
}
