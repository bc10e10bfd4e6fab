using System.Diagnostics;
using System.Runtime;
using System.Runtime.InteropServices;

namespace Aio.Benchmarks.Reporting;

/// <summary>The machine notes every result file starts with.</summary>
internal static class Machine
{
    public static MetaRecord Meta(string source, Dictionary<string, string> extra)
    {
        var info = new Dictionary<string, string>
        {
            ["date"] = DateTime.UtcNow.ToString("yyyy-MM-dd HH:mm 'UTC'"),
            ["cpu"] = CpuModel(),
            ["logical cores"] = Environment.ProcessorCount.ToString(),
            ["memory"] = $"{GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / (1024.0 * 1024 * 1024):F1} GiB",
            ["os"] = RuntimeInformation.OSDescription,
            [".NET"] = RuntimeInformation.FrameworkDescription,
            ["GC"] = $"{(GCSettings.IsServerGC ? "server" : "workstation")}, {GCSettings.LatencyMode}",
            ["commit"] = Commit(),
        };
        foreach (var (key, value) in extra) info[key] = value;
        return new MetaRecord("meta", source, info);
    }

    private static string CpuModel()
    {
        const string cpuinfo = "/proc/cpuinfo";
        if (!File.Exists(cpuinfo)) return RuntimeInformation.ProcessArchitecture.ToString();
        var line = File.ReadLines(cpuinfo).FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal));
        return line is null ? RuntimeInformation.ProcessArchitecture.ToString() : line[(line.IndexOf(':') + 1)..].Trim();
    }

    // The commit measured, and whether the library differed from it: a number is only worth as much as
    // knowing which code produced it. build.fsx records the tree just before it builds (AIO_BENCH_COMMIT),
    // since the working tree may change while a long run goes on.
    private static string Commit()
    {
        if (Environment.GetEnvironmentVariable("AIO_BENCH_COMMIT") is { Length: > 0 } built) return built;
        var head = Git("rev-parse", "--short", "HEAD");
        if (head is null) return "unknown (no git)";
        var dirty = Git("status", "--porcelain", "--", "src");
        return string.IsNullOrWhiteSpace(dirty) ? head : $"{head} + uncommitted changes in src/";
    }

    private static string? Git(params string[] args)
    {
        try
        {
            var psi = new ProcessStartInfo("git") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (var a in args) psi.ArgumentList.Add(a);
            using var p = Process.Start(psi)!;
            var text = p.StandardOutput.ReadToEnd();
            p.WaitForExit();
            return p.ExitCode == 0 ? text.Trim() : null;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null;
        }
    }
}
