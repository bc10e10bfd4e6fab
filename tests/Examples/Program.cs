namespace Aio.Examples;

/// <summary>
/// `dotnet run --project tests/Examples` prints the transcripts of the seed's four programs and of the
/// guides (Guides/: fan_out, producer_consumer, crawler); `-- NAME` runs one of them (create_task,
/// cancel_task, cancel_task2, ensure_future, fan_out, producer_consumer, crawler);
/// `-- conformance NNN` prints the trace of one ported conformance scenario.
/// </summary>
public static class Program
{
    public static readonly IReadOnlyList<(string Name, Action<TextWriter> Run)> Seed =
    [
        ("create_task", Aio.Examples.Seed.CreateTask.Run),
        ("cancel_task", Aio.Examples.Seed.CancelTask.Run),
        ("cancel_task2", Aio.Examples.Seed.CancelWhileWaiting.Run),
        ("ensure_future", Aio.Examples.Seed.EnsureFuture.Run),
    ];

    /// <summary>Worked examples of the library's composition tools, beyond the seed.</summary>
    public static readonly IReadOnlyList<(string Name, Action<TextWriter> Run)> Guides =
    [
        ("fan_out", Aio.Examples.Guides.FanOut.Run),
        ("producer_consumer", Aio.Examples.Guides.ProducerConsumer.Run),
        ("crawler", Aio.Examples.Guides.Crawler.Run),
    ];

    public static int Main(string[] args)
    {
        if (args is ["conformance", var number])
        {
            var scenario = Conformance.ConformanceTests.Scenarios.FirstOrDefault(s => s.Number == number);
            if (scenario.Run is null)
            {
                Console.Error.WriteLine($"no ported scenario {number}; choose from: {string.Join(", ", Conformance.ConformanceTests.Scenarios.Select(s => s.Number))}");
                return 2;
            }
            scenario.Run(Console.Out);
            return 0;
        }
        var all = Seed.Concat(Guides).ToList();
        var chosen = all.Where(e => args.Length == 0 || args.Contains(e.Name)).ToList();
        if (chosen.Count == 0)
        {
            Console.Error.WriteLine($"unknown example; choose from: {string.Join(", ", all.Select(e => e.Name))}");
            return 2;
        }
        foreach (var (name, run) in chosen)
        {
            Console.WriteLine($"== {name}");
            run(Console.Out);
            Console.WriteLine();
        }
        return 0;
    }
}
