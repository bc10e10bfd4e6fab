using Xunit;

namespace Aio.Examples;

/// <summary>
/// The primitives' corners, each program written line for line after a Python one whose output under
/// CPython is the expected text (CPython 3.11, where these rules have not changed since).
/// </summary>
public class SyncTests
{
    private static string Run(Func<List<string>, Coroutine> main)
    {
        var lines = new List<string>();
        Asyncio.Run(main(lines), LoopClock.Virtual);
        return string.Join("\n", lines);
    }

    private static async Coroutine Turns(int n)
    {
        for (var i = 0; i < n; i++) await Asyncio.Sleep(0);
    }

    [Fact]
    public void AsyncLock_WaiterCancelledAfterWake_PassesTheLockOnAndNewcomersQueue() => Assert.Equal(
        """
        L1 A cancelled, B acquired | locked False
        L2 locked after release: False
        L2 C acquired, D acquired
        L3 Lock is not acquired.
        """,
        Run(async o =>
        {
            var gate = new AsyncLock();
            await gate.Acquire();
            var order = new List<string>();

            async Coroutine W(string name)
            {
                try
                {
                    await gate.Acquire();
                }
                catch (CancelledException)
                {
                    order.Add(name + " cancelled");
                    throw;
                }
                order.Add(name + " acquired");
                gate.Release();
            }

            var a = Asyncio.CreateTask(W("A"));
            _ = Asyncio.CreateTask(W("B"));
            await Asyncio.Sleep(0);
            gate.Release();
            a.Cancel();
            await Turns(3);
            o.Add($"L1 {string.Join(", ", order)} | locked {gate.Locked}");
            await gate.Acquire();
            order.Clear();
            _ = Asyncio.CreateTask(W("C"));
            await Asyncio.Sleep(0);
            gate.Release();
            o.Add($"L2 locked after release: {gate.Locked}");
            _ = Asyncio.CreateTask(W("D"));
            await Turns(3);
            o.Add($"L2 {string.Join(", ", order)}");
            var e = Assert.Throws<InvalidOperationException>(gate.Release);
            o.Add($"L3 {e.Message}");
        }));

    [Fact]
    public void AsyncSemaphore_WokenWaiterCancelled_HandsThePermitToTheNext() => Assert.Equal(
        """
        S1 locked after release: True 0
        S1 X cancelled, Y acquired | 0 True
        S2 Semaphore initial value must be >= 0
        S3 BoundedSemaphore released too many times
        """,
        Run(async o =>
        {
            var sem = new AsyncSemaphore(0);
            var order = new List<string>();

            async Coroutine W(string name)
            {
                try
                {
                    await sem.Acquire();
                }
                catch (CancelledException)
                {
                    order.Add(name + " cancelled");
                    throw;
                }
                order.Add(name + " acquired");
            }

            var x = Asyncio.CreateTask(W("X"));
            _ = Asyncio.CreateTask(W("Y"));
            await Asyncio.Sleep(0);
            sem.Release();
            o.Add($"S1 locked after release: {sem.Locked} {sem.Value}");
            x.Cancel();
            await Turns(2);
            o.Add($"S1 {string.Join(", ", order)} | {sem.Value} {sem.Locked}");
            o.Add("S2 " + Assert.Throws<ArgumentException>(() => new AsyncSemaphore(-1)).Message);
            o.Add("S3 " + Assert.Throws<ArgumentException>(new AsyncBoundedSemaphore(1).Release).Message);
        }));

    [Fact]
    public void AsyncCondition_NotifyOrderMisuseAndCancelledWait_FollowAsyncio() => Assert.Equal(
        """
        C1 cannot wait on un-acquired lock
        C2 cannot notify on un-acquired lock
        C3 P, Q
        C4 P, Q, R
        C5 locked in handler: True
        C5 after: False
        C6 True
        """,
        Run(async o =>
        {
            var cond = new AsyncCondition();
            try
            {
                await cond.Wait();
            }
            catch (InvalidOperationException e)
            {
                o.Add($"C1 {e.Message}");
            }
            o.Add("C2 " + Assert.Throws<InvalidOperationException>(() => cond.Notify()).Message);
            var order = new List<string>();

            async Coroutine Cw(string name)
            {
                using (await cond.LockAsync())
                {
                    await cond.Wait();
                    order.Add(name);
                }
            }

            var ts = "PQR".Select(n => Asyncio.CreateTask(Cw(n.ToString()))).ToList();
            await Asyncio.Sleep(0);
            using (await cond.LockAsync()) cond.Notify(2);
            await Turns(3);
            o.Add($"C3 {string.Join(", ", order)}");
            using (await cond.LockAsync()) cond.NotifyAll();
            foreach (var t in ts) await t;
            o.Add($"C4 {string.Join(", ", order)}");

            async Coroutine Cc()
            {
                using (await cond.LockAsync())
                {
                    try
                    {
                        await cond.Wait();
                    }
                    catch (CancelledException)
                    {
                        o.Add($"C5 locked in handler: {cond.Locked}");
                        throw;
                    }
                }
            }

            var c = Asyncio.CreateTask(Cc());
            await Asyncio.Sleep(0);
            c.Cancel();
            try
            {
                await c;
            }
            catch (CancelledException)
            {
                o.Add($"C5 after: {cond.Locked}");
            }
            using (await cond.LockAsync()) o.Add($"C6 {await cond.WaitFor(() => true)}");
        }));

    [Fact]
    public void AsyncBarrier_RoundsResetAndAbort_FollowAsyncio() => Assert.Equal(
        """
        B1 n_waiting 0
        B2 c 2, a 0, b 1 | 0 False
        B3 d Abort or reset of barrier
        B3 e Abort or reset of barrier
        B4 False 0
        B3 f Barrier aborted
        B5 True
        B6 False
        B7 parties must be > 0
        """,
        Run(async o =>
        {
            var bar = new AsyncBarrier(3);
            var res = new List<string>();

            async Coroutine Bw(string n)
            {
                var i = await bar.Wait();
                res.Add($"{n} {i}");
            }

            var ts = "abc".Select(n => Asyncio.CreateTask(Bw(n.ToString()))).ToList();
            await Asyncio.Sleep(0);
            o.Add($"B1 n_waiting {bar.NWaiting}");
            foreach (var t in ts) await t;
            o.Add($"B2 {string.Join(", ", res)} | {bar.NWaiting} {bar.Broken}");

            async Coroutine Bb(string n)
            {
                try
                {
                    await bar.Wait();
                }
                catch (BrokenBarrierException e)
                {
                    o.Add($"B3 {n} {e.Message}");
                }
            }

            ts = "de".Select(n => Asyncio.CreateTask(Bb(n.ToString()))).ToList();
            await Asyncio.Sleep(0);
            await bar.Reset();
            foreach (var t in ts) await t;
            o.Add($"B4 {bar.Broken} {bar.NWaiting}");
            await bar.Abort();
            await Asyncio.CreateTask(Bb("f"));
            o.Add($"B5 {bar.Broken}");
            await bar.Reset();
            o.Add($"B6 {bar.Broken}");
            o.Add("B7 " + Assert.Throws<ArgumentException>(() => new AsyncBarrier(0)).Message);
        }));

    [Fact]
    public void AsyncQueues_OrderCancelledGetterAndBarging_FollowAsyncio() => Assert.Equal(
        """
        Q1 1, 1, 3, 4, 5
        Q2 3, 2, 1
        Q3 g1 cancelled, g2 item
        Q4 newcomer took x
        Q4 g3 y
        """,
        Run(async o =>
        {
            var pq = new AsyncPriorityQueue<int>();
            foreach (var v in new[] { 5, 1, 4, 1, 3 }) pq.PutNowait(v);
            o.Add("Q1 " + string.Join(", ", Enumerable.Range(0, 5).Select(_ => pq.GetNowait())));
            var lq = new AsyncLifoQueue<int>();
            foreach (var v in new[] { 1, 2, 3 }) lq.PutNowait(v);
            o.Add("Q2 " + string.Join(", ", Enumerable.Range(0, 3).Select(_ => lq.GetNowait())));
            var q = new AsyncQueue<string>();
            var got = new List<string>();

            async Coroutine G(string n)
            {
                try
                {
                    got.Add($"{n} {await q.Get()}");
                }
                catch (CancelledException)
                {
                    got.Add($"{n} cancelled");
                    throw;
                }
            }

            var g1 = Asyncio.CreateTask(G("g1"));
            _ = Asyncio.CreateTask(G("g2"));
            await Asyncio.Sleep(0);
            q.PutNowait("item");
            g1.Cancel();
            await Turns(2);
            o.Add($"Q3 {string.Join(", ", got)}");
            got.Clear();
            _ = Asyncio.CreateTask(G("g3"));
            await Asyncio.Sleep(0);
            q.PutNowait("x");
            o.Add($"Q4 newcomer took {q.GetNowait()}");
            q.PutNowait("y");
            await Turns(2);
            o.Add($"Q4 {string.Join(", ", got)}");
        }));

    // asyncio's repr lists a LifoQueue's items as its list holds them: oldest first.
    [Fact]
    public void AsyncLifoQueue_Repr_ListsTheItemsOldestFirst()
    {
        var stack = new AsyncLifoQueue<int>();
        stack.PutNowait(1);
        stack.PutNowait(2);
        stack.PutNowait(3);
        Assert.Equal("<AsyncLifoQueue maxsize=0 _queue=[1, 2, 3] tasks=3>", stack.ToString());
        Assert.Equal(3, stack.GetNowait());
    }

    // CPython 3.13's Condition.wait notifies another waiter when it leaves by an exception, since the
    // waiter may have been notified already: a waiter notified and then cancelled before it ran passes
    // its notification on, and the next waiter wakes.
    [Fact]
    public void Condition_WaiterNotifiedThenCancelled_PassesTheNotificationOnToTheNextWaiter() => Assert.Equal(
        "A cancelled\nB woke\npending: 0",
        Run(async lines =>
        {
            var condition = new AsyncCondition();

            async Coroutine Waiter(string name)
            {
                await condition.Acquire();
                try
                {
                    await condition.Wait();
                    lines.Add($"{name} woke");
                }
                catch (CancelledException)
                {
                    lines.Add($"{name} cancelled");
                    throw;
                }
                finally
                {
                    condition.Release();
                }
            }

            var a = Asyncio.CreateTask(Waiter("A"));
            var b = Asyncio.CreateTask(Waiter("B"));
            await Asyncio.Sleep(0);
            await condition.Acquire();
            condition.Notify(1);
            a.Cancel();
            condition.Release();
            await Asyncio.Wait(new[] { a, b }, timeout: 5);
            lines.Add($"pending: {(a.Done ? 0 : 1) + (b.Done ? 0 : 1)}");
        }));

    // Queue.shutdown(immediate=True) drops the items left and counts them as processed, so a join()
    // already waiting for them returns (CPython 3.13's queues.py).
    [Fact]
    public void Queue_ShutdownImmediate_CountsDroppedItemsAsProcessedAndReleasesAWaitingJoin() => Assert.Equal(
        "joined: True, size: 0",
        Run(async lines =>
        {
            var queue = new AsyncQueue<int>();
            queue.PutNowait(1);
            queue.PutNowait(2);
            var joiner = Asyncio.CreateTask(queue.Join());
            await Asyncio.Sleep(0);
            queue.Shutdown(immediate: true);
            await Asyncio.Wait(new[] { joiner }, timeout: 5);
            lines.Add($"joined: {joiner.Done}, size: {queue.Qsize}");
        }));
}
