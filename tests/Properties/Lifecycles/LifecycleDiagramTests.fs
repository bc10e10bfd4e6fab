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

Generated from the table `TaskState.transition` in `src/Core.FSharp/Lifecycles/TaskState.fs`: every
state (each phase with no cancel, a pending cancel, a delivered one, two requests) is paired with every
kind of input, and each move the table allows is an edge, including those that keep the phase
(`[pending cancel]` marks moves taken with a cancel request not yet delivered, `[cancel delivered]`
those of a task that has taken one, `[passing a cancel on]` those of a task whose waiter has not yet
answered the cancel passed to it: a cancel reaching it then came round a cycle, and changes nothing).
A task is Suspended exactly while a wakeup is registered on its waiter and no step of it is queued.
Regenerate with `dotnet fsi build.fsx diagram`.

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
