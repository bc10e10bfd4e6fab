using System.Diagnostics;
using Xunit;

namespace Aio.Examples;

/// <summary>
/// What a project outside the repository gets: the packages Aio, Aio.Core and Aio.FSharp, packed from
/// this tree into a local folder, and a new console app that takes Aio as a PackageReference from that
/// folder (beside the machine's own NuGet sources, through a nuget.config written here, never committed).
/// </summary>
public class PackageConsumptionTests
{
    private static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Aio.slnx"))) return dir.FullName;
        throw new InvalidOperationException("Aio.slnx not found above the test's output folder.");
    }

    private static string Dotnet(string workingDirectory, IDictionary<string, string> environment, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = workingDirectory, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) start.ArgumentList.Add(a);
        foreach (var (k, v) in environment) start.Environment[k] = v;
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        var output = stdout.Result + stderr.Result;
        Assert.True(process.ExitCode == 0, $"dotnet {string.Join(" ", args)} failed ({process.ExitCode}):\n{output}");
        return stdout.Result;
    }

    [Fact]
    public void Packages_PackedToALocalFolder_ANewConsoleAppReferencesThemBuildsAndRuns()
    {
        var root = RepoRoot();
        var work = Directory.CreateTempSubdirectory("aio-packages-").FullName;
        try
        {
            var feed = Path.Combine(work, "feed");
            var none = new Dictionary<string, string>();
            foreach (var project in new[] { "src/Core.FSharp/Core.FSharp.fsproj", "src/Api.CSharp/Api.CSharp.csproj", "src/Api.FSharp/Api.FSharp.fsproj" })
                Dotnet(root, none, "pack", project, "-c", "Release", "-o", feed, "-p:ContinuousIntegrationBuild=true");
            Assert.True(File.Exists(Path.Combine(feed, "Aio.0.1.0.nupkg")));
            Assert.True(File.Exists(Path.Combine(feed, "Aio.Core.0.1.0.nupkg")));
            Assert.True(File.Exists(Path.Combine(feed, "Aio.FSharp.0.1.0.nupkg")));

            var app = Directory.CreateDirectory(Path.Combine(work, "app")).FullName;
            File.WriteAllText(Path.Combine(app, "nuget.config"), $"""
                <?xml version="1.0" encoding="utf-8"?>
                <configuration>
                  <packageSources>
                    <add key="aio-local" value="{feed}" />
                  </packageSources>
                </configuration>
                """);
            File.WriteAllText(Path.Combine(app, "app.csproj"), """
                <Project Sdk="Microsoft.NET.Sdk">
                  <PropertyGroup>
                    <OutputType>Exe</OutputType>
                    <TargetFramework>net10.0</TargetFramework>
                    <ImplicitUsings>enable</ImplicitUsings>
                    <Nullable>enable</Nullable>
                  </PropertyGroup>
                  <ItemGroup>
                    <PackageReference Include="Aio" Version="0.1.0" />
                  </ItemGroup>
                </Project>
                """);
            File.WriteAllText(Path.Combine(app, "Program.cs"), """
                using Aio;

                static async Coroutine<string> Fetch(string page, double seconds)
                {
                    await Asyncio.Sleep(seconds);
                    return page;
                }

                static async Coroutine<string> Main2()
                {
                    var pages = new List<LoopTask<string>>();
                    await TaskGroup.Run(async tg =>
                    {
                        pages.Add(tg.CreateTask(Fetch("a", 0.2)));
                        pages.Add(tg.CreateTask(Fetch("b", 0.1)));
                    });
                    return string.Join(",", pages.Select(p => p.Result()));
                }

                Console.WriteLine($"pages: {Asyncio.Run(Main2(), LoopClock.Virtual)}");
                """);
            // A package folder of its own: a version 0.1.0 left over from another run is never used.
            var env = new Dictionary<string, string> { ["NUGET_PACKAGES"] = Path.Combine(work, "packages") };
            Assert.Equal("pages: a,b\n", Dotnet(app, env, "run").Replace("\r\n", "\n"));
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }
}
