using Aio.Benchmarks.Systems;
using Nito.AsyncEx;

namespace Aio.Benchmarks.Workloads;

/// <summary>The names every result file and the report agree on.</summary>
internal static class SystemNames
{
    public const string Aio = "Aio";
    public const string RawQueue = "raw Queue<Action>";
    public const string RawContext = "raw SyncContext";
    public const string Tpl = "TPL";
    public const string Nito = "Nito AsyncContext";
    public const string CPython = "CPython asyncio";
    public const string Uvloop = "CPython uvloop";

    /// <summary>The report's columns, in order.</summary>
    public static readonly string[] Columns = [Aio, RawQueue, RawContext, Tpl, Nito, CPython, Uvloop];
}

/// <summary>One workload: what it does, how many operations one run performs, and its unit.</summary>
/// <param name="Id">W1…W8; W3g and W6v are Aio-only variants of W3 and W6.</param>
/// <param name="Unit">"s": a run's wall time (ops/s = Size / s); "B/task": bytes measured by the run.</param>
internal sealed record Workload(string Id, string Title, int Size, string Operation, string Unit = "s");

/// <summary>One system running one workload. Exactly one of Timed (the harness times it) or Measured (it measures itself) is set.</summary>
internal sealed record Cell(Workload Workload, string System, Action? Timed = null, Func<double>? Measured = null);

internal static class Catalog
{
    /// <summary>The sizes; quick runs divide them by ten.</summary>
    public static IReadOnlyList<Workload> Workloads(bool quick)
    {
        int Size(int full) => quick ? full / 10 : full;
        return
        [
            new("W1", "call_soon batch", Size(1_000_000), "callbacks"),
            new("W2", "call_soon chain", Size(1_000_000), "callbacks"),
            new("W3", "spawn, await each in order", Size(100_000), "tasks"),
            new("W3g", "spawn, Gather", Size(100_000), "tasks"),
            new("W4", "yield (Sleep(0))", Size(1_000_000), "yields"),
            new("W5", "ping-pong through futures", Size(200_000), "round trips"),
            new("W6", "timers in [0, 50 ms]", Size(100_000), "tasks"),
            new("W6v", "timers in [0, 50 ms], virtual clock", Size(100_000), "tasks"),
            new("W7", "cancel storm", Size(100_000), "tasks"),
            new("W8", "memory per parked task", Size(100_000), "tasks", "B/task"),
        ];
    }

    public static IEnumerable<Cell> Cells(Workload w)
    {
        var n = w.Size;
        switch (w.Id)
        {
            case "W1":
                yield return new(w, SystemNames.Aio, () => AioWorkloads.CallSoonBatch(n));
                yield return new(w, SystemNames.RawQueue, () => RawQueueWorkloads.CallSoonBatch(n));
                yield return new(w, SystemNames.RawContext, () => SingleThreadContext.Run(() => TaskWorkloads.CallSoonBatchPosted(n)));
                yield return new(w, SystemNames.Tpl, () => TaskWorkloads.CallSoonBatchPool(n));
                yield return new(w, SystemNames.Nito, () => AsyncContext.Run(() => TaskWorkloads.CallSoonBatchPosted(n)));
                break;
            case "W2":
                yield return new(w, SystemNames.Aio, () => AioWorkloads.CallSoonChain(n));
                yield return new(w, SystemNames.RawQueue, () => RawQueueWorkloads.CallSoonChain(n));
                yield return new(w, SystemNames.RawContext, () => SingleThreadContext.Run(() => TaskWorkloads.CallSoonChainPosted(n)));
                yield return new(w, SystemNames.Tpl, () => TaskWorkloads.CallSoonChainPool(n));
                yield return new(w, SystemNames.Nito, () => AsyncContext.Run(() => TaskWorkloads.CallSoonChainPosted(n)));
                break;
            case "W3":
                yield return new(w, SystemNames.Aio, () => AioWorkloads.Spawn(n));
                foreach (var c in TaskPeers(w, () => TaskWorkloads.Spawn(n))) yield return c;
                break;
            case "W3g":
                yield return new(w, SystemNames.Aio, () => AioWorkloads.SpawnGather(n));
                break;
            case "W4":
                yield return new(w, SystemNames.Aio, () => AioWorkloads.Yield(n));
                foreach (var c in TaskPeers(w, () => TaskWorkloads.Yield(n))) yield return c;
                break;
            case "W5":
                yield return new(w, SystemNames.Aio, () => AioWorkloads.PingPong(n));
                foreach (var c in TaskPeers(w, () => TaskWorkloads.PingPong(n))) yield return c;
                break;
            case "W6":
                {
                    var delays = Delays.Seconds(n);
                    yield return new(w, SystemNames.Aio, () => AioWorkloads.Timers(delays, LoopClock.Monotonic));
                    foreach (var c in TaskPeers(w, () => TaskWorkloads.Timers(delays))) yield return c;
                    break;
                }
            case "W6v":
                {
                    var delays = Delays.Seconds(n);
                    yield return new(w, SystemNames.Aio, () => AioWorkloads.Timers(delays, LoopClock.Virtual));
                    break;
                }
            case "W7":
                yield return new(w, SystemNames.Aio, () => AioWorkloads.CancelStorm(n));
                foreach (var c in TaskPeers(w, () => TaskWorkloads.CancelStorm(n))) yield return c;
                break;
            case "W8":
                yield return new(w, SystemNames.Aio, Measured: () => AioWorkloads.ParkedBytes(n));
                yield return new(w, SystemNames.RawContext, Measured: () => SingleThreadContext.Run(() => TaskWorkloads.ParkedBytes(n)));
                yield return new(w, SystemNames.Tpl, Measured: () => Task.Run(() => TaskWorkloads.ParkedBytes(n)).GetAwaiter().GetResult());
                yield return new(w, SystemNames.Nito, Measured: () => AsyncContext.Run(() => TaskWorkloads.ParkedBytes(n)));
                break;
        }
    }

    // The same async method on the three Task schedulers.
    private static IEnumerable<Cell> TaskPeers(Workload w, Func<Task> main)
    {
        yield return new(w, SystemNames.RawContext, () => SingleThreadContext.Run(main));
        yield return new(w, SystemNames.Tpl, () => Task.Run(main).GetAwaiter().GetResult());
        yield return new(w, SystemNames.Nito, () => AsyncContext.Run(main));
    }
}
