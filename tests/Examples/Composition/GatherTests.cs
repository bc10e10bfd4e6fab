using Xunit;

namespace Aio.Examples;

/// <summary>
/// Behaviour of Asyncio.Gather that no ported scenario pins down yet, checked against what
/// CPython prints for the same program.
/// </summary>
public class GatherTests
{
    [Fact]
    public void Cancel_TaskAwaitingGatherWhoseChildrenAllFinished_TaskStillGetsCancelledError()
    {
        var output = new StringWriter { NewLine = "\n" };

        async Coroutine Main()
        {
            var loop = Asyncio.GetRunningLoop();
            var f1 = loop.CreateFuture<int>();
            var f2 = loop.CreateFuture<int>();

            async Coroutine Body()
            {
                try
                {
                    var r = await Asyncio.Gather(f1, f2);
                    output.WriteLine($"got {r.Length}");
                }
                catch (CancelledException e)
                {
                    output.WriteLine($"cancelled {e.CancelMessage}");
                    throw;
                }
            }

            var t = Asyncio.CreateTask(Body(), name: "B");
            await Asyncio.Sleep(0);
            f1.SetResult(1);
            f2.SetResult(2);
            // The gather refuses (its children are done) yet the request must reach the task.
            output.WriteLine($"cancel -> {t.Cancel("m")}");
            try
            {
                await t;
            }
            catch (CancelledException)
            {
                output.WriteLine($"t cancelled {t.Cancelled}");
            }
        }

        Asyncio.Run(Main(), LoopClock.Virtual);
        Assert.Equal("cancel -> True\ncancelled m\nt cancelled True\n", output.ToString());
    }

    [Fact]
    public void Gather_SameFuturePassedTwice_GatheredOnceResultRepeated()
    {
        async Coroutine<int[]> Main()
        {
            var f = Asyncio.GetRunningLoop().CreateFuture<int>();
            f.SetResult(7);
            var gathered = Asyncio.Gather(f, f);
            Assert.True(gathered.Done);
            return await gathered;
        }

        Assert.Equal([7, 7], Asyncio.Run(Main(), LoopClock.Virtual));
    }
}
