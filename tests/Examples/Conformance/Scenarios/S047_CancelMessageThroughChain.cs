namespace Aio.Examples.Conformance.Scenarios;

/// <summary>A cancel message travels down a chain task -> coroutine -> task -> future and back up: every level sees the same message.</summary>
public static class S047_CancelMessageThroughChain
{
    public static void Run(TextWriter output)
    {
        async Coroutine Leaf(Future<object?> f)
        {
            try
            {
                await f;
            }
            catch (CancelledException e)
            {
                Py.Print(output, "leaf task: message =", e.CancelMessage);
                throw;
            }
        }

        async Coroutine Middle(LoopTask leafTask)
        {
            try
            {
                await leafTask;
            }
            catch (CancelledException e)
            {
                Py.Print(output, "middle coroutine: message =", e.CancelMessage);
                throw;
            }
        }

        async Coroutine Top(LoopTask leafTask)
        {
            try
            {
                await Middle(leafTask);
            }
            catch (CancelledException e)
            {
                Py.Print(output, "top task: message =", e.CancelMessage);
                throw;
            }
        }

        async Coroutine Main()
        {
            var loop = Asyncio.GetRunningLoop();
            var f = loop.CreateFuture<object?>();
            var lt = Asyncio.CreateTask(Leaf(f), name: "Leaf");
            var tt = Asyncio.CreateTask(Top(lt), name: "Top");
            await Asyncio.Sleep(0);
            tt.Cancel("deep");
            try
            {
                await tt;
            }
            catch (CancelledException e)
            {
                Py.Print(output, "main: message =", e.CancelMessage);
            }
            Py.Print(output, "future cancelled() =", f.Cancelled, "| Leaf cancelled() =", lt.Cancelled);
        }

        var loop = Asyncio.NewEventLoop(LoopClock.Virtual);
        loop.RunUntilComplete(Main());
        loop.Close();
    }
}
