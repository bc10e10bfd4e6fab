/// docs/task-lifecycle.md shows the task lifecycle drawn from TaskState.transition itself; this test
/// fails when the committed picture differs from what the table now generates.
module Aio.Properties.LifecycleDiagramTests

open System
open System.IO
open Xunit
open Aio.Core

let private repoRoot () =
    let rec up (dir: DirectoryInfo | null) =
        match dir with
        | null -> failwith "Aio.slnx not found above the test binaries"
        | d when File.Exists(Path.Combine(d.FullName, "Aio.slnx")) -> d.FullName
        | d -> up d.Parent

    up (DirectoryInfo AppContext.BaseDirectory)

let private header =
    """# The task lifecycle

Generated from `TaskState.transition` in `src/Core.FSharp/TaskState.fs`: every phase is paired with
every kind of input, and each move the table allows is an edge (`[pending cancel]` marks moves taken
with a cancel request not yet delivered). `cancel()` and `uncancel()` keep the phase, except where a
pending cancel ends a task that never started. Regenerate with `dotnet fsi build.fsx diagram`.

"""

let render () =
    header + "```mermaid\n" + Lifecycle.mermaid () + "```\n"

[<Fact>]
let ``docs/task-lifecycle.md is the diagram the transition table generates`` () =
    let path = Path.Combine(repoRoot (), "docs", "task-lifecycle.md")

    if Environment.GetEnvironmentVariable "AIO_UPDATE_DIAGRAM" = "1" then
        File.WriteAllText(path, render ())

    Assert.Equal(render (), File.ReadAllText path)

[<Fact>]
let ``the diagram has an edge for each kind of step ending`` () =
    let text = Lifecycle.mermaid ()

    for expected in
        [
            "NotStarted --> Running : step / resume"
            "NotStarted --> Done : step [pending cancel] / cancelled"
            "Running --> Suspended : await pending future / add wakeup"
            "Running --> Scheduled : sleep(0) / schedule step"
            "Suspended --> Running : wakeup / resume"
            "Running --> Done : returned / finished"
        ] do
        Assert.Contains(expected, text)
