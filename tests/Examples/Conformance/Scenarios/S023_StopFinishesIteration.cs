namespace Aio.Examples.Conformance.Scenarios;

/// <summary>stop() lets the current iteration finish (callbacks already queued still run), defers newer callbacks, and stop() before run_forever() makes it run exactly one iteration.</summary>
public static class S023_StopFinishesIteration
{
    public static void Run(TextWriter output)
    {
        void Print(string text) => Py.Print(output, text);

        var loop = Asyncio.NewEventLoop(LoopClock.Virtual);

        void A()
        {
            Py.Print(output, "a: calling stop()");
            loop.Stop();
            loop.CallSoon(Print, "c (queued after stop)");
        }

        loop.CallSoon(A);
        loop.CallSoon(Print, "b (same iteration as stop)");
        loop.RunForever();
        Py.Print(output, "run_forever returned; is_running =", loop.IsRunning);
        loop.CallSoon(Print, "d");
        loop.Stop();
        loop.RunForever();
        Py.Print(output, "second run_forever (stop() called before it) returned");

        async Coroutine Stopper()
        {
            Py.Print(output, "task: stopping the loop from a task");
            loop.Stop();
            await Asyncio.Sleep(0);
            Py.Print(output, "task: resumed in the next run");
        }

        loop.CreateTask(Stopper(), name: "S");
        loop.RunForever();
        Py.Print(output, "third run_forever returned");
        loop.CallSoon(loop.Stop);
        loop.RunForever();
        loop.Close();
    }
}
