namespace Aio.Benchmarks.Workloads;

/// <summary>
/// W6's delays: splitmix64 from a fixed seed, scaled to [0, 50 ms). bench/python/workloads.py computes
/// the same sequence, so every system sleeps exactly the same delays.
/// </summary>
internal static class Delays
{
    public const ulong Seed = 5;
    public const double MaxSeconds = 0.050;

    public static double[] Seconds(int count)
    {
        var delays = new double[count];
        var state = Seed;
        for (var i = 0; i < count; i++)
        {
            unchecked
            {
                state += 0x9E3779B97F4A7C15UL;
                var z = state;
                z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
                z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
                z ^= z >> 31;
                delays[i] = (z >> 11) * (1.0 / (1UL << 53)) * MaxSeconds;
            }
        }
        return delays;
    }
}

/// <summary>A run that computed the wrong thing is not a measurement: it stops the harness.</summary>
internal static class Check
{
    public static void Equal(long expected, long actual, string what)
    {
        if (expected != actual)
            throw new InvalidOperationException($"{what}: expected {expected}, got {actual}; the workload is broken, not slow.");
    }
}

/// <summary>The callback of W1 and W2: one bound delegate reused for every call, on every system.</summary>
internal sealed class Counter
{
    public long Value;

    public void Increment() => Value++;
}
