using System.Text.Encodings.Web;
using System.Text.Json;

namespace Aio.Benchmarks.Reporting;

// The JSON lines that the workload runner, the micro-benchmarks and bench/python/workloads.py write,
// and the report reads. Python writes the same field names, so these shapes are the contract.

/// <summary>Where and how a result file was measured; Info's keys are free-form "name: value" notes.</summary>
internal sealed record MetaRecord(string Kind, string Source, Dictionary<string, string> Info);

/// <summary>
/// One system on one workload: a value per measured run (seconds, or bytes per task for W8) and,
/// for .NET, the bytes allocated per operation in each run.
/// </summary>
internal sealed record CellRecord(string Kind, string Workload, string System, int Size, string Unit, double[] Values, double?[]? AllocPerOp);

/// <summary>One hot-path micro-benchmark: median nanoseconds and bytes allocated per operation.</summary>
internal sealed record MicroRecord(string Kind, string Operation, string System, double NsPerOp, double? BytesPerOp);

/// <summary>One type's share of the bytes an Aio workload allocated, from AllocationTick samples.</summary>
internal sealed record AllocationRecord(string Kind, string Workload, string Type, double Share);

internal static class Json
{
    // Relaxed escaping keeps "raw Queue<Action>" and "→" readable in the files.
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web) { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static void WriteLine<T>(TextWriter writer, T record) => writer.WriteLine(JsonSerializer.Serialize(record, Options));
}
