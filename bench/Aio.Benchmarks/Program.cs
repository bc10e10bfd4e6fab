using Aio.Benchmarks.Micro;
using Aio.Benchmarks.Reporting;
using Aio.Benchmarks.Workloads;

namespace Aio.Benchmarks;

/// <summary>
/// The benchmark harness; <c>dotnet fsi build.fsx bench [--quick]</c> runs its three commands in turn:
/// <code>
/// workloads --out FILE [--quick]         W1–W8 on Aio and the .NET peers, one process, JSON lines
/// allocations --out FILE [--quick]       which types Aio's workloads allocate, sampled, JSON lines
/// micro --out FILE [--quick]             the hot paths under BenchmarkDotNet, JSON lines
/// report --out FILE [--quick] INPUT...   the markdown report from those files and bench/python's
/// </code>
/// Run it in Release: timings of a Debug build say nothing.
/// </summary>
public static class Program
{
    public static int Main(string[] args)
    {
        var quick = args.Contains("--quick");
        var rest = args.Where(a => a != "--quick").ToList();
        var outIndex = rest.IndexOf("--out");
        if (rest.Count < 3 || outIndex != 1)
        {
            Console.Error.WriteLine("usage: Aio.Benchmarks (workloads|allocations|micro|report) --out FILE [--quick] [INPUT...]");
            return 2;
        }
        var outPath = Path.GetFullPath(rest[2]);
        Directory.CreateDirectory(Path.GetDirectoryName(outPath)!);
        var inputs = rest.Skip(3).ToList();
        switch (rest[0])
        {
            case "workloads":
                WorkloadRunner.Run(quick, outPath);
                return 0;
            case "allocations":
                AllocationProfile.Run(quick, outPath);
                return 0;
            case "micro":
                MicroRunner.Run(quick, outPath, Path.Combine(Path.GetDirectoryName(outPath)!, "BenchmarkDotNet"));
                return 0;
            case "report":
                Report.Write(outPath, quick, inputs);
                return 0;
            default:
                Console.Error.WriteLine($"unknown command '{rest[0]}': workloads, allocations, micro or report");
                return 2;
        }
    }
}
