namespace Aio.Examples.Conformance.Scenarios;

/// <summary>Cancelling a task that awaits gather() cancels the gather and through it every child; the children clean up before the awaiting task sees CancelledError.</summary>
public static class S064_GatherAwaiterCancelled
{
    public static void Run(TextWriter output)
    {
        async Coroutine Child(string name)
        {
            try
            {
                await Asyncio.Sleep(1);
            }
            catch (CancelledException)
            {
                Py.Print(output, name, "cancelled");
                throw;
            }
        }

        async Coroutine Parent(LoopTask a, LoopTask b)
        {
            try
            {
                await Asyncio.Gather(a, b);
            }
            catch (CancelledException)
            {
                Py.Print(output, "parent: cancelled");
                throw;
            }
        }

        async Coroutine Main()
        {
            var a = Asyncio.CreateTask(Child("A"), name: "A");
            var b = Asyncio.CreateTask(Child("B"), name: "B");
            var p = Asyncio.CreateTask(Parent(a, b), name: "P");
            await Asyncio.Sleep(0);
            p.Cancel();
            try
            {
                await p;
            }
            catch (CancelledException)
            {
                Py.Print(output, "main: P raised CancelledError");
            }
            Py.Print(output, "A cancelled =", a.Cancelled, "| B cancelled =", b.Cancelled);
        }

        var loop = Asyncio.NewEventLoop(LoopClock.Virtual);
        loop.RunUntilComplete(Main());
        loop.Close();
    }
}
