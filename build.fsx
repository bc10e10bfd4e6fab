// build.fsx: the build script, a plain F# script with no packages (FAKE does not run on this SDK).
// Usage: dotnet fsi build.fsx [target] [args]
// Targets: build | test | soak | diagram | examples | check | format | pack | ci | lock | update | add | bench
//          (default: test)
open System
open System.Diagnostics
open System.IO
open System.Xml.Linq

let root = __SOURCE_DIRECTORY__
let sln = Path.Combine(root, "Aio.slnx")
let args = fsi.CommandLineArgs |> Array.skip 1 |> Array.filter ((<>) "--")
let target = if args.Length = 0 then "test" else args.[0]

let runIn (env: (string * string) list) (argv: string list) =
    printfn "> dotnet %s" (String.concat " " argv)
    let psi = ProcessStartInfo("dotnet", WorkingDirectory = root, UseShellExecute = false)
    argv |> List.iter psi.ArgumentList.Add
    env |> List.iter (fun (k, v) -> psi.Environment.[k] <- v)
    use p = Process.Start psi
    p.WaitForExit()
    p.ExitCode

let run argv = runIn [] argv
let step argv = match run argv with 0 -> () | rc -> exit rc

// ---- tests ----------------------------------------------------------------------------------------
/// Runs every test project, then prints one CI-readable line summed over all TRX files:
/// "N passed, N failed" (", N skipped" when any). A test project whose run crashed or aborted without a
/// failing result, or that wrote no TRX (build error), counts as one failure. Exits non-zero on any
/// failure or when no test ran. The console is not parsed: two projects' summaries interleave there.
let test (env: (string * string) list) (extra: string list) =
    let results = Path.Combine(root, "artifacts", "test-results")
    if Directory.Exists results then Directory.Delete(results, true)
    let testProjects =
        Directory.GetFiles(Path.Combine(root, "tests"), "paket.references", SearchOption.AllDirectories)
        |> Array.filter (fun f -> File.ReadAllText(f).Contains "Microsoft.NET.Test.Sdk")
    let rc = runIn env ([ "test"; sln; "--logger"; "trx"; "--results-directory"; results ] @ extra)
    let trx = if Directory.Exists results then Directory.GetFiles(results, "*.trx") else [||]
    let ns = XNamespace.Get "http://microsoft.com/schemas/VisualStudio/TeamTest/2010"
    let attr (name: string) (e: XElement) = e.Attribute(XName.Get name).Value
    let runs =
        trx
        |> Array.map (fun f ->
            let doc = XDocument.Load f
            let outcomes = doc.Descendants(ns + "UnitTestResult") |> Seq.map (attr "outcome") |> Seq.toList
            let summary = doc.Descendants(ns + "ResultSummary") |> Seq.tryHead |> Option.map (attr "outcome")
            outcomes, defaultArg summary "Missing")
    let isFail o = o <> "Passed" && o <> "NotExecuted"
    let all = runs |> Seq.collect fst |> Seq.toList
    let passed = all |> List.filter ((=) "Passed") |> List.length
    let skipped = all |> List.filter ((=) "NotExecuted") |> List.length
    let broken =
        (runs |> Array.filter (fun (os, s) -> s <> "Completed" && not (List.exists isFail os)) |> Array.length)
        + max 0 (testProjects.Length - trx.Length)
    let failed = (all |> List.filter isFail |> List.length) + broken
    if broken > 0 then eprintfn "%d test project run(s) crashed, aborted or produced no TRX" broken
    // The closing line CI reads: it must be the last line printed.
    if skipped > 0 then printfn "%d passed, %d failed, %d skipped" passed failed skipped
    else printfn "%d passed, %d failed" passed failed
    if rc <> 0 || failed > 0 || passed = 0 then exit (if rc <> 0 then rc else 1)

// ---- formatting -----------------------------------------------------------------------------------
let fsSources () =
    [ "src"; "tests" ]
    |> List.collect (fun d ->
        [| "*.fs"; "*.fsi" |]
        |> Array.collect (fun pattern -> Directory.GetFiles(Path.Combine(root, d), pattern, SearchOption.AllDirectories))
        |> Array.filter (fun f -> not (f.Contains "/obj/" || f.Contains "/bin/"))
        |> Array.toList)
    |> List.map (fun f -> Path.GetRelativePath(root, f))

let csProjects () =
    [ "src"; "tests"; "bench" ]
    |> List.collect (fun d ->
        Directory.GetFiles(Path.Combine(root, d), "*.csproj", SearchOption.AllDirectories) |> Array.toList)
    |> List.map (fun f -> Path.GetRelativePath(root, f))

/// Fails when any F# file is not as fantomas would write it, or any C# file not as dotnet format would.
let check () =
    let fs = run ([ "fantomas"; "--check" ] @ fsSources ())
    let cs =
        csProjects ()
        |> List.map (fun p -> run [ "format"; p; "--verify-no-changes"; "--no-restore" ])
        |> List.fold max 0
    if fs <> 0 then eprintfn "F# sources need formatting: dotnet fsi build.fsx format"
    if cs <> 0 then eprintfn "C# sources need formatting: dotnet fsi build.fsx format"
    if fs <> 0 || cs <> 0 then exit 1

let format () =
    step ([ "fantomas" ] @ fsSources ())
    csProjects () |> List.iter (fun p -> step [ "format"; p; "--no-restore" ])

// ---- Paket with a local package source ------------------------------------------------------------
// paket.dependencies says `source .nuget-feed`: a gitignored folder that plain NuGet fills (it reads the
// machine's NuGet configuration, so no feed address is committed). build/feed/Feed.msbuildproj fills it:
//   FeedMode=lock  exactly what paket.lock pins (run automatically by Directory.Build.targets on restore)
//   FeedMode=deps  NuGet's closure of the `nuget` lines of paket.dependencies (+ FeedExtra): the
//                  candidates Paket resolves over in install / update / add.
let feedDir = Path.Combine(root, ".nuget-feed")
let feedProj = "build/feed/Feed.msbuildproj"
let feed mode (extra: string list) = step ([ "restore"; feedProj; "-p:FeedMode=" + mode ] @ extra)

/// Resolution must depend only on paket.dependencies, paket.lock and the registry, never on what an
/// earlier run left in .nuget-feed/ (Paket picks the highest version it sees).
let cleanFeed () = if Directory.Exists feedDir then Directory.Delete(feedDir, true)

let lock () =
    cleanFeed ()
    feed "lock" []
    feed "deps" []
    step [ "paket"; "install" ]

let update () =
    cleanFeed ()
    feed "deps" []
    step [ "paket"; "update" ]

let add (rest: string[]) =
    match rest with
    | [| pkg; ver; proj |] ->
        cleanFeed ()
        feed "lock" []
        feed "deps" [ sprintf "-p:FeedExtra=%s=%s" pkg ver ]
        step [ "paket"; "add"; pkg; "--version"; ver; "--project"; proj ]
    | _ ->
        eprintfn "usage: dotnet fsi build.fsx add <Package> <Version> <path/to/Project.fsproj|csproj>"
        exit 2

/// No committed file may name a package feed address. `paket init` and `paket add --group <new>` write
/// the default one into paket.dependencies; this catches that (and any `remote:` URL in paket.lock).
let checkNoFeedUrls () =
    for f in [ "paket.dependencies"; "paket.lock" ] do
        let path = Path.Combine(root, f)
        if File.Exists path && File.ReadAllText(path).Contains "://" then
            eprintfn "%s contains a URL: Paket's source must stay `source .nuget-feed`" f
            exit 3

// ---- benchmarks -----------------------------------------------------------------------------------
/// Runs a program other than dotnet; None when it is not installed. With `capture`, returns its
/// trimmed standard output and swallows its standard error; otherwise both go to the console.
let tryExec (capture: bool) (exe: string) (argv: string list) =
    try
        let psi =
            ProcessStartInfo(
                exe,
                WorkingDirectory = root,
                UseShellExecute = false,
                RedirectStandardOutput = capture,
                RedirectStandardError = capture
            )
        argv |> List.iter psi.ArgumentList.Add
        use p = Process.Start psi
        let stderr = if capture then p.StandardError.ReadToEndAsync() else Threading.Tasks.Task.FromResult ""
        let stdout = if capture then p.StandardOutput.ReadToEnd().Trim() else ""
        p.WaitForExit()
        stderr.Wait()
        Some(p.ExitCode, stdout)
    with :? ComponentModel.Win32Exception ->
        None

/// The tree about to be built, as the result files name it: the working tree may change during a run.
let builtCommit () =
    let git argv = tryExec true "git" argv

    match git [ "rev-parse"; "--short"; "HEAD" ], git [ "status"; "--porcelain"; "--"; "src" ] with
    | Some(0, head), Some(0, "") -> head
    | Some(0, head), Some(0, _) -> head + " + uncommitted changes in src/"
    | _ -> "unknown (no git)"

/// Issue 5's side-by-side benchmarks (never part of test or ci: timings do not belong in a pass/fail run).
/// The .NET harness measures Aio and its .NET peers in one process, bench/python measures CPython's
/// asyncio (and uvloop when importable), then the harness writes the report from all result files:
/// docs/benchmarks.md, or artifacts/bench/benchmarks.md for --quick, whose smoke numbers must not
/// replace a measurement. Nothing else should run on the machine meanwhile.
let bench (rest: string[]) =
    let quick = rest |> Array.contains "--quick"
    let mode = if quick then [ "--quick" ] else []
    let outDir = Path.Combine(root, "artifacts", "bench")
    if Directory.Exists outDir then Directory.Delete(outDir, true)
    Directory.CreateDirectory outDir |> ignore
    let result name = Path.Combine(outDir, name)
    let project = "bench/Aio.Benchmarks/Aio.Benchmarks.csproj"
    let commit = builtCommit ()
    step [ "build"; project; "-c"; "Release" ]
    let harness argv =
        let argv = [ "run"; "--no-build"; "-c"; "Release"; "--project"; project; "--" ] @ argv @ mode
        match runIn [ "AIO_BENCH_COMMIT", commit ] argv with
        | 0 -> ()
        | rc -> exit rc
    harness [ "workloads"; "--out"; result "dotnet.jsonl" ]
    let uvloop = tryExec true "python3" [ "-c"; "import uvloop" ] |> Option.map fst = Some 0
    let python =
        [ "asyncio"; (if uvloop then "uvloop" else "") ]
        |> List.filter ((<>) "")
        |> List.choose (fun loop ->
            let out = result (sprintf "python-%s.jsonl" loop)
            let argv = [ "bench/python/workloads.py"; "--loop"; loop; "--out"; out ] @ mode
            printfn "> python3 %s" (String.concat " " argv)
            match tryExec false "python3" argv with
            | Some(0, _) -> Some out
            | Some(rc, _) -> exit rc
            | None ->
                printfn "python3 not found: the report will have no CPython columns"
                None)
    harness [ "allocations"; "--out"; result "allocations.jsonl" ]
    harness [ "micro"; "--out"; result "micro.jsonl" ]
    let report = if quick then result "benchmarks.md" else Path.Combine(root, "docs", "benchmarks.md")
    let inputs = [ result "dotnet.jsonl" ] @ python @ [ result "allocations.jsonl"; result "micro.jsonl" ]
    harness ([ "report"; "--out"; report ] @ inputs)

// ---- targets --------------------------------------------------------------------------------------
match target with
| "build" -> step [ "build"; sln ]
| "test" -> test [] []
// The property suite with 100 times the cases; the thread-safe inbox storm (8 × 1,000,000), the deep
// cancel chain (1,000,000 tasks) and the crowds (1,000,000 waiters, timers, futures) at their full sizes.
| "soak" ->
    test
        [ ("AIO_PROPERTY_SCALE", "100") ]
        [ "--filter"
          "FullyQualifiedName~Aio.Properties|FullyQualifiedName~CallSoonThreadsafe_EightThreadsStorm|FullyQualifiedName~Cancel_HeadOfADeepChain|FullyQualifiedName~AwaitInline_ChainDeeperThanTheStack|FullyQualifiedName~CrowdTests" ]
// Rewrites docs/task-lifecycle.md from the core's transition table (a test fails while it is stale).
| "diagram" ->
    test [ ("AIO_UPDATE_DIAGRAM", "1") ] [ "--filter"; "FullyQualifiedName~LifecycleDiagram" ]
| "examples" -> step [ "run"; "--project"; "tests/Examples/Examples.csproj" ]
| "check" -> step [ "tool"; "restore" ]; step [ "restore"; sln ]; check ()
| "format" -> step [ "tool"; "restore" ]; format ()
| "pack" -> step [ "pack"; sln; "-c"; "Release"; "-o"; Path.Combine(root, "artifacts", "packages") ]
| "lock" -> step [ "tool"; "restore" ]; lock (); checkNoFeedUrls ()
| "update" -> step [ "tool"; "restore" ]; update (); checkNoFeedUrls ()
| "add" -> step [ "tool"; "restore" ]; add (Array.skip 1 args); checkNoFeedUrls ()
| "bench" -> bench (Array.skip 1 args)
| "ci" ->
    checkNoFeedUrls ()
    step [ "build"; sln ]
    check ()
    step [ "run"; "--no-build"; "--project"; "tests/Examples/Examples.csproj" ]
    test [] [ "--no-build" ]
| t ->
    eprintfn "unknown target '%s' (build|test|soak|diagram|examples|check|format|pack|ci|lock|update|add|bench)" t
    exit 2
