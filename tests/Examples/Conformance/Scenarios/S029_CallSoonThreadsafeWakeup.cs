namespace Aio.Examples.Conformance.Scenarios;

/// <summary>call_soon_threadsafe from another thread wakes a loop that is idle (nothing ready, no timers) and the callback runs on the loop thread.</summary>
public static class S029_CallSoonThreadsafeWakeup
{
    public static void Run(TextWriter output)
    {
        async Coroutine Main()
        {
            var loop = Asyncio.GetRunningLoop();
            var fut = loop.CreateFuture<string>();
            var loopThread = Environment.CurrentManagedThreadId;

            void OnLoop(string value)
            {
                Py.Print(output, "callback: on loop thread =", Environment.CurrentManagedThreadId == loopThread);
                fut.SetResult(value);
            }

            void Worker()
            {
                Py.Print(output, "worker: scheduling callback");
                loop.CallSoonThreadsafe(() => OnLoop("from thread"));
            }

            var th = new Thread(Worker);
            Py.Print(output, "main: starting worker");
            th.Start();
            var v = await fut;
            th.Join();
            Py.Print(output, "main: got", v);
        }

        var loop = Asyncio.NewEventLoop(LoopClock.Virtual);
        loop.RunUntilComplete(Main());
        loop.Close();
    }
}
