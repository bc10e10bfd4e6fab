using System.Diagnostics;
using Aio.Benchmarks.Reporting;

namespace Aio.Benchmarks.Workloads;

/// <summary>
/// Runs every cell of every workload in this one process and writes a <see cref="CellRecord"/> per
/// cell. Each cell is warmed up first (JIT tiers, thread-pool growth); then the measured runs go
/// round-robin over the systems, so a burst of background noise hits all of them rather than one.
/// </summary>
internal static class WorkloadRunner
{
    public static void Run(bool quick, string outPath)
    {
        var runs = quick ? 3 : 7;
        var warmups = quick ? 1 : 2;
        using var output = new StreamWriter(outPath);
        Json.WriteLine(output, Machine.Meta("dotnet", new()
        {
            ["mode"] = quick ? "quick (sizes / 10)" : "full",
            ["runs per cell"] = $"{runs} measured after {warmups} warm-up",
        }));
        // AIO_BENCH_ONLY=W3,W4 runs only those workloads: for trying a change, never for the report.
        var only = Environment.GetEnvironmentVariable("AIO_BENCH_ONLY")?.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        foreach (var workload in Catalog.Workloads(quick))
        {
            if (only is not null && !only.Contains(workload.Id)) continue;
            var cells = Catalog.Cells(workload).ToList();
            foreach (var cell in cells)
                for (var i = 0; i < warmups; i++) RunOnce(cell);
            var values = cells.Select(_ => new List<double>()).ToList();
            var allocs = cells.Select(_ => new List<double?>()).ToList();
            for (var r = 0; r < runs; r++)
            {
                for (var c = 0; c < cells.Count; c++)
                {
                    var (value, alloc) = RunOnce(cells[c]);
                    values[c].Add(value);
                    allocs[c].Add(alloc);
                    Console.Error.WriteLine($"{workload.Id,-4} {cells[c].System,-18} run {r + 1}/{runs}: {value:G4} {workload.Unit}");
                }
            }
            for (var c = 0; c < cells.Count; c++)
            {
                var timed = cells[c].Timed is not null;
                Json.WriteLine(output, new CellRecord("cell", workload.Id, cells[c].System, workload.Size, workload.Unit,
                    [.. values[c]], timed ? [.. allocs[c]] : null));
            }
            output.Flush();
        }
    }

    private static (double Value, double? AllocPerOp) RunOnce(Cell cell)
    {
        // Garbage left by the previous cell is collected here, not inside this one's timing.
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        if (cell.Measured is { } measure) return (measure(), null);
        var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        var start = Stopwatch.GetTimestamp();
        cell.Timed!();
        var seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
        var allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;
        return (seconds, allocated / (double)cell.Workload.Size);
    }
}
