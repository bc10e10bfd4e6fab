namespace Aio.Examples.Conformance.Scenarios;

/// <summary>Queue: FIFO items, blocked getters served in order, put() blocks while full, nowait variants raise QueueEmpty/QueueFull, join() waits for task_done(), shutdown() (3.13) unblocks everyone with QueueShutDown.</summary>
public static class S100_Queue
{
    public static void Run(TextWriter output)
    {
        async Coroutine Getter(AsyncQueue<string> q, string name)
        {
            try
            {
                var item = await q.Get();
                Py.Print(output, name, "got", item);
                q.TaskDone();
            }
            catch (QueueShutDownException)
            {
                Py.Print(output, name, "-> QueueShutDown");
            }
        }

        async Coroutine Main()
        {
            var q = new AsyncQueue<string>();
            var gs = new[] { "G1", "G2" }.Select(n => Asyncio.CreateTask(Getter(q, n), name: n)).ToList();
            await Asyncio.Sleep(0);
            q.PutNowait("a");
            q.PutNowait("b");
            foreach (var g in gs) await g;
            try
            {
                q.GetNowait();
            }
            catch (QueueEmptyException)
            {
                Py.Print(output, "get_nowait() on empty -> QueueEmpty");
            }

            var b = new AsyncQueue<int>(maxSize: 2);
            await b.Put(1);
            await b.Put(2);
            Py.Print(output, "full() =", b.Full, "| qsize() =", b.Qsize);
            try
            {
                b.PutNowait(3);
            }
            catch (QueueFullException)
            {
                Py.Print(output, "put_nowait() on full -> QueueFull");
            }

            async Coroutine Producer()
            {
                Py.Print(output, "producer: put(3) blocks");
                await b.Put(3);
                Py.Print(output, "producer: put(3) done");
            }

            var p = Asyncio.CreateTask(Producer(), name: "P");
            await Asyncio.Sleep(0);
            Py.Print(output, "main: get() ->", await b.Get());
            await p;
            Py.Print(output, "remaining:", b.GetNowait(), b.GetNowait());

            async Coroutine Joiner()
            {
                await b.Join();
                Py.Print(output, "join() returned");
            }

            var j = Asyncio.CreateTask(Joiner(), name: "J");
            await Asyncio.Sleep(0);
            for (var i = 0; i < 3; i++)
            {
                Py.Print(output, "task_done", i);
                b.TaskDone();
                await Asyncio.Sleep(0);
            }
            await j;
            try
            {
                b.TaskDone();
            }
            catch (ArgumentException e)
            {
                Py.Print(output, "extra task_done() -> ValueError:", e.Message);
            }

            var s = new AsyncQueue<string>();
            s.PutNowait("left");
            var g3 = Asyncio.CreateTask(Getter(s, "G3"), name: "G3");
            var g4 = Asyncio.CreateTask(Getter(s, "G4"), name: "G4");
            await Asyncio.Sleep(0);
            s.Shutdown();
            try
            {
                s.PutNowait("x");
            }
            catch (QueueShutDownException)
            {
                Py.Print(output, "put after shutdown -> QueueShutDown");
            }
            await g3;
            await g4;
        }

        var loop = Asyncio.NewEventLoop(LoopClock.Virtual);
        loop.RunUntilComplete(Main());
        loop.Close();
    }
}
