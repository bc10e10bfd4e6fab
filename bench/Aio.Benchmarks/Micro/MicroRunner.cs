using Aio.Benchmarks.Reporting;
using Aio.Benchmarks.Workloads;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Loggers;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using Perfolizer.Horology;

namespace Aio.Benchmarks.Micro;

/// <summary>Runs the hot-path benchmarks in this process and writes one <see cref="MicroRecord"/> each.</summary>
internal static class MicroRunner
{
    // Operation names as the report and its targets refer to them.
    public const string CallSoon = "CallSoon + dispatch";
    public const string SleepStep = "Sleep(0) step";
    public const string Wakeup = "future completion → wakeup";
    public const string Cancel = "cancel delivery";
    public const string LockPair = "uncontended Acquire + Release";
    public const string QueuePair = "Put + Get on a queue with room and an item";

    private static readonly Dictionary<Type, string> s_operations = new()
    {
        [typeof(CallSoonDispatch)] = CallSoon,
        [typeof(SleepZeroStep)] = SleepStep,
        [typeof(FutureWakeup)] = Wakeup,
        [typeof(CancelDelivery)] = Cancel,
        [typeof(LockUncontended)] = LockPair,
        [typeof(QueuePutGet)] = QueuePair,
    };

    private static readonly Dictionary<string, string> s_systems = new()
    {
        [nameof(CallSoonDispatch.Aio)] = SystemNames.Aio,
        [nameof(CallSoonDispatch.RawQueue)] = SystemNames.RawQueue,
        [nameof(CallSoonDispatch.RawSyncContext)] = SystemNames.RawContext,
        [nameof(LockUncontended.SemaphoreSlim)] = SystemNames.Tpl,
        [nameof(QueuePutGet.Channel)] = SystemNames.Tpl,
    };

    public static void Run(bool quick, string outPath, string artifacts)
    {
        // In-process: no generated project to build per benchmark, so a quick run fits in seconds.
        var job = (quick
                ? Job.Default.WithWarmupCount(1).WithIterationCount(3).WithIterationTime(TimeInterval.FromMilliseconds(100))
                : Job.Default.WithWarmupCount(6).WithIterationCount(15))
            .WithToolchain(InProcessEmitToolchain.Instance);
        var config = ManualConfig.CreateEmpty()
            .AddJob(job)
            .AddDiagnoser(MemoryDiagnoser.Default)
            .AddColumnProvider(DefaultColumnProviders.Instance)
            .AddLogger(ConsoleLogger.Default)
            .WithArtifactsPath(artifacts);
        var summaries = BenchmarkRunner.Run([.. s_operations.Keys], config);
        using var output = new StreamWriter(outPath);
        Json.WriteLine(output, Machine.Meta("micro", new()
        {
            ["BenchmarkDotNet"] = typeof(BenchmarkRunner).Assembly.GetName().Version?.ToString(3) ?? "?",
            ["micro job"] = quick ? "in-process, 1 warm-up + 3 × 100 ms iterations" : "in-process, 6 warm-up + 15 iterations",
        }));
        foreach (var summary in summaries)
        {
            foreach (var report in summary.Reports)
            {
                var descriptor = report.BenchmarkCase.Descriptor;
                var median = report.ResultStatistics?.Median
                    ?? throw new InvalidOperationException($"{descriptor.DisplayInfo} produced no measurement; see BenchmarkDotNet's log above.");
                var bytes = report.GcStats.GetBytesAllocatedPerOperation(report.BenchmarkCase);
                Json.WriteLine(output, new MicroRecord("micro", s_operations[descriptor.Type], s_systems[descriptor.WorkloadMethod.Name], median, bytes));
            }
        }
    }
}
