using System.Collections.Concurrent;
using System.Diagnostics.Tracing;
using Aio.Benchmarks.Reporting;

namespace Aio.Benchmarks.Workloads;

/// <summary>
/// Where Aio's bytes go: runs each Aio cell once under the runtime's GC AllocationTick event, which
/// fires about every 100 KB allocated and names the type of the object that crossed the mark. Over a
/// run of many megabytes the samples split the bytes by type closely enough to show what to remove
/// first. For W8 this is what parking allocates, most of which the parked task keeps. Separate from
/// the timed runs, because listening slows the process.
/// </summary>
internal static class AllocationProfile
{
    // The runtime's provider; GC keyword, verbose level carries AllocationTick.
    private const string RuntimeProvider = "Microsoft-Windows-DotNETRuntime";
    private const EventKeywords GcKeyword = (EventKeywords)0x1;
    private const int Top = 8;

    public static void Run(bool quick, string outPath)
    {
        using var output = new StreamWriter(outPath);
        foreach (var workload in Catalog.Workloads(quick))
        {
            var cell = Catalog.Cells(workload).FirstOrDefault(c => c.System == SystemNames.Aio);
            if (cell is null) continue;
            Action run = cell.Timed ?? (() => cell.Measured!());
            run();
            GC.Collect();
            using var listener = new Sampler();
            run();
            var samples = listener.Drain();
            var total = samples.Values.Sum();
            foreach (var (type, bytes) in samples.OrderByDescending(kv => kv.Value).Take(Top))
                Json.WriteLine(output, new AllocationRecord("alloc", workload.Id, type, bytes / (double)total));
            Console.Error.WriteLine($"{workload.Id,-4} Aio: {total / 1024.0 / 1024:0.0} MB sampled over {samples.Count} types");
        }
    }

    private sealed class Sampler : EventListener
    {
        private readonly ConcurrentDictionary<string, long> _bytes = new();
        private long _events;

        protected override void OnEventSourceCreated(EventSource source)
        {
            if (source.Name == RuntimeProvider) EnableEvents(source, EventLevel.Verbose, GcKeyword);
        }

        protected override void OnEventWritten(EventWrittenEventArgs e)
        {
            if (e.EventName is null || !e.EventName.StartsWith("GCAllocationTick", StringComparison.Ordinal) || e.PayloadNames is null) return;
            var type = Payload(e, "TypeName") as string ?? "?";
            var amount = Payload(e, "AllocationAmount64") ?? Payload(e, "AllocationAmount");
            _bytes.AddOrUpdate(type, Convert.ToInt64(amount), (_, b) => b + Convert.ToInt64(amount));
            Interlocked.Increment(ref _events);
        }

        private static object? Payload(EventWrittenEventArgs e, string name)
        {
            var i = e.PayloadNames!.IndexOf(name);
            return i < 0 ? null : e.Payload![i];
        }

        // Runtime events reach a listener through a session buffer with some delay: wait until the
        // count stops growing before reading it.
        public Dictionary<string, long> Drain()
        {
            long seen;
            do
            {
                seen = Interlocked.Read(ref _events);
                Thread.Sleep(500);
            }
            while (Interlocked.Read(ref _events) != seen);
            return new Dictionary<string, long>(_bytes);
        }
    }
}
