using Xunit;

namespace Aio.Examples;

/// <summary>
/// Many waiters on one primitive, many timers cancelled out of order, one as_completed over a burst:
/// each keeps asyncio's order at a size where an O(n) step per waiter would show (16,000 tasks on one
/// lock took 6 s when the waiter queue was a list appended at its end). `dotnet fsi build.fsx soak`
/// runs them at 1,000,000.
/// </summary>
public class CrowdTests
{
    private static readonly int Crowd =
        int.TryParse(Environment.GetEnvironmentVariable("AIO_PROPERTY_SCALE"), out var scale) && scale >= 100 ? 1_000_000 : 20_000;

    private static int[] Upto(int n) => Enumerable.Range(0, n).ToArray();

    // One task per member of the crowd, in creation order.
    private static LoopTask[] StartCrowd(Func<int, Coroutine> member) =>
        Upto(Crowd).Select(i => Asyncio.CreateTask(member(i))).ToArray();

    [Fact]
    public void AsyncLock_ACrowdOfTasks_AcquiresInArrivalOrder()
    {
        var order = new List<int>();
        Asyncio.Run(Main(), LoopClock.Virtual);
        Assert.Equal(Upto(Crowd), order);

        async Coroutine Main()
        {
            var gate = new AsyncLock();
            async Coroutine Worker(int i)
            {
                using (await gate.LockAsync())
                {
                    await Asyncio.Sleep(0);
                    order.Add(i);
                }
            }
            var tasks = StartCrowd(Worker);
            foreach (var task in tasks) await task;
            Assert.False(gate.Locked);
        }
    }

    [Fact]
    public void AsyncEvent_SetWithACrowdWaiting_WakesEveryOneInWaitingOrder()
    {
        var order = new List<int>();
        Asyncio.Run(Main(), LoopClock.Virtual);
        Assert.Equal(Upto(Crowd), order);

        async Coroutine Main()
        {
            var ready = new AsyncEvent();
            async Coroutine Waiter(int i)
            {
                await ready.Wait();
                order.Add(i);
            }
            var tasks = StartCrowd(Waiter);
            await Asyncio.Sleep(0);
            ready.Set();
            foreach (var task in tasks) await task;
        }
    }

    [Fact]
    public void AsyncCondition_NotifyHalfThenAll_WakesTheOldestFirst()
    {
        var order = new List<int>();
        Asyncio.Run(Main(), LoopClock.Virtual);
        Assert.Equal(Upto(Crowd), order);

        async Coroutine Main()
        {
            var condition = new AsyncCondition();
            async Coroutine Waiter(int i)
            {
                using (await condition.LockAsync())
                {
                    await condition.Wait();
                    order.Add(i);
                }
            }
            var tasks = StartCrowd(Waiter);
            await Asyncio.Sleep(0);
            using (await condition.LockAsync()) condition.Notify(Crowd / 2);
            foreach (var task in tasks.Take(Crowd / 2)) await task;
            Assert.Equal(Crowd / 2, order.Count);
            using (await condition.LockAsync()) condition.NotifyAll();
            foreach (var task in tasks) await task;
        }
    }

    [Fact]
    public void AsyncQueue_ACrowdOfGetters_TakesItemsInWaitingOrder()
    {
        var got = new int[Crowd];
        var others = Upto(Crowd).Where(i => i % 10 != 0).ToArray();
        Asyncio.Run(Main(), LoopClock.Virtual);
        Assert.Equal(others, others.Select(i => got[i]));

        async Coroutine Main()
        {
            var queue = new AsyncQueue<int>();
            async Coroutine Getter(int i) => got[i] = await queue.Get();
            var tasks = StartCrowd(Getter);
            await Asyncio.Sleep(0);
            // Every tenth getter gives up first: the items go to the others, still in order.
            for (var i = 0; i < Crowd; i += 10) tasks[i].Cancel();
            await Asyncio.Sleep(0);
            foreach (var i in others) queue.PutNowait(i);
            foreach (var i in others) await tasks[i];
            Assert.All(tasks.Where((_, i) => i % 10 == 0), t => Assert.True(t.Cancelled));
            Assert.Equal(0, queue.Qsize);
        }
    }

    [Fact]
    public void CallLater_ACrowdCancelledNewestFirst_NoneFiresAndTheRestRunInOrder()
    {
        using var loop = new Loop(LoopClock.Virtual);
        var fired = new List<int>();
        var handles = Upto(Crowd).Select(i => loop.CallLater(1 + i % 7, () => fired.Add(i))).ToArray();
        // Newest first, so the cancelled timers pile up behind live ones instead of leaving at the head.
        for (var i = Crowd - 1; i >= 0; i--)
            if (i % 3 != 0) handles[i].Cancel();
        loop.CallLater(10, loop.Stop);
        loop.RunForever();
        var expected = Upto(Crowd).Where(i => i % 3 == 0).OrderBy(i => i % 7).ThenBy(i => i);
        Assert.Equal(expected, fired);
    }

    [Fact]
    public void AsCompleted_ABurstOfFutures_YieldsThemInCompletionOrder()
    {
        var results = new List<int>();
        Asyncio.Run(Main(), LoopClock.Virtual);
        Assert.Equal(Upto(Crowd).Reverse(), results);

        async Coroutine Main()
        {
            var loop = Asyncio.GetRunningLoop();
            var futures = Upto(Crowd).Select(_ => loop.CreateFuture<int>()).ToArray();
            var iterator = Asyncio.AsCompleted(futures);
            // All complete in one burst, last first, before anyone reads.
            for (var i = Crowd - 1; i >= 0; i--) futures[i].SetResult(i);
            foreach (var next in iterator) results.Add(await next);
        }
    }
}
