using Aio.Benchmarks.Systems;

namespace Aio.Benchmarks.Workloads;

/// <summary>W1 and W2 on <see cref="RawQueueLoop"/>: the cost of a delegate in a queue and nothing else.</summary>
internal static class RawQueueWorkloads
{
    public static void CallSoonBatch(int n)
    {
        var loop = new RawQueueLoop();
        var counter = new Counter();
        Action increment = counter.Increment;
        for (var i = 0; i < n; i++) loop.CallSoon(increment);
        loop.Run();
        Check.Equal(n, counter.Value, "W1 raw queue");
    }

    public static void CallSoonChain(int n)
    {
        var loop = new RawQueueLoop();
        long count = 0;
        Action? step = null;
        step = () =>
        {
            if (++count < n) loop.CallSoon(step!);
        };
        loop.CallSoon(step);
        loop.Run();
        Check.Equal(n, count, "W2 raw queue");
    }
}
