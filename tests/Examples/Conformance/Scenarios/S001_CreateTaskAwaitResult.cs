namespace Aio.Examples.Conformance.Scenarios;

/// <summary>create_task schedules a coroutine; awaiting the task yields its result; done/cancelled/result before and after.</summary>
public static class S001_CreateTaskAwaitResult
{
    public static void Run(TextWriter output)
    {
        async Coroutine<int> Work(int x)
        {
            output.WriteLine($"work({x}): start");
            await Asyncio.Sleep(0);
            output.WriteLine($"work({x}): end");
            return x * 10;
        }

        async Coroutine Main()
        {
            Py.Print(output, "main: creating task");
            var t = Asyncio.CreateTask(Work(4), name: "W");
            Py.Print(output, "main: task created, done =", t.Done);
            var r = await t;
            Py.Print(output, "main: awaited result =", r);
            Py.Print(output, "main: done =", t.Done, "cancelled =", t.Cancelled, "result() =", t.Result());
            Py.Print(output, "main: awaiting the finished task again =", await t);
        }

        var loop = Asyncio.NewEventLoop(LoopClock.Virtual);
        Py.Print(output, "run_until_complete returned", loop.RunUntilComplete<VoidResult>(Main()));
        loop.Close();
    }
}
