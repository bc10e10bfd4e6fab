/// Issue 12, point 7: the task properties' generator reaches every row of the task table it can reach,
/// in every run, not only in some. The rows are those of `TaskState.transition` reachable from a new
/// task (found by search over the table itself); each is named by phase, cancel guard and input. The
/// few rows TaskWorld does not model are listed with the example tests that pin them instead.
module Aio.Properties.RuleReachTests

open Xunit
open FsCheck
open FsCheck.FSharp
open Aio.Core

/// A row of the table: the phase (and whether a waiter can be interrupted), the cancel guard, and the
/// kind of input, without payloads the table does not tell apart (messages, which waiter).
let rowKey (s: TaskState<'W>) (i: TaskInput<'W>) =
    let phase =
        match s.Phase with
        | Suspended(_, true) -> "Suspended"
        | Suspended(_, false) -> "Suspended (uninterruptible)"
        | p -> TaskState.phaseName p

    let guard = Lifecycle.guardName s |> Option.defaultValue "no cancel"

    let input =
        match i with
        | StepStarts Go -> "step"
        | StepStarts(WakeFrom o) -> sprintf "wakeup from %A" o
        | StepStarts(Fault f) -> sprintf "step(%A)" f
        | StepEnds(SuspendedOn k, w) -> sprintf "ends SuspendedOn %A%s" k (if w.IsSome then "" else " without a waiter")
        | StepEnds(RaisedCancelled _, _) -> "ends RaisedCancelled"
        | StepEnds(e, _) -> sprintf "ends %A" e
        // Without a waiter the shell always says "done" (there is nothing to cancel): one row.
        | CancelRequested(_, waiterDone) ->
            match s.Phase with
            | Suspended _ when waiterDone -> "cancel(), waiter done"
            | _ -> "cancel()"
        | Uncancel -> "uncancel()"
        | WaiterAnswered(a, _) -> sprintf "waiter answered %A" a

    sprintf "%s, %s: %s" phase guard input

let private tryTransition i s =
    try
        let struct (s', _) = TaskState.transition i s
        Some s'
    with IllegalTaskTransition _ ->
        None

/// Every row reachable from a new task (lazy or eager) by any sequence of inputs the table accepts,
/// with at most two cancel requests (more add no row).
let reachableRows () =
    let start =
        [
            (let struct (s, _) = TaskState.create<Lifecycle.W> () in s)
            (let struct (s, _) = TaskState.createEager<Lifecycle.W> () in s)
        ]

    let mutable seen = Set.empty
    let mutable rows = Set.empty
    let mutable frontier = start

    while not frontier.IsEmpty do
        let next =
            [
                for s in frontier do
                    if not (seen.Contains s) && s.CancelRequests <= 2 then
                        seen <- seen.Add s

                        for i in Lifecycle.inputs do
                            match tryTransition i s with
                            | Some s' ->
                                rows <- rows.Add(rowKey s i)
                                yield s'
                            | None -> ()
            ]

        frontier <- next

    rows

/// Rows TaskWorld does not model, and where each is pinned instead.
let notModelled =
    [
        // A bridge to a TPL task: InteropTests (LoopBehaviourTests.Cancel_WhileAwaitingSystemTask_…).
        "Suspended (uninterruptible)", "foreign awaits are the shell's (Interop tests)"
        "UninterruptibleWaiter", "foreign awaits are the shell's (Interop tests)"
        // RuleGapTests.AwaitingItsOwnTask_… and AwaitingAnotherLoopsFuture_…
        "ItselfAsWaiter", "awaiting itself: RuleGapTests"
        "OtherLoopWaiter", "another loop's future: RuleGapTests"
        "step(AwaitedItself)", "awaiting itself: RuleGapTests"
        "step(WaiterOfOtherLoop)", "another loop's future: RuleGapTests"
        // A gather whose children are all done refuses the cancel: CompositionProperties (35, gather).
        "waiter answered WaiterRefused", "a waiter that refuses: the composition properties (gather)"
        // A cancel whose way down raised (it came round a cycle), and the cycle itself: TaskWorld's
        // scripts await only tasks created before them. LoopBehaviourTests (a cycle of tasks).
        "waiter answered WaiterRaised", "a cycle of tasks: LoopBehaviourTests"
        "passing a cancel on: cancel()", "a cycle of tasks: LoopBehaviourTests"
        // uncancel() while a cancel is passed on: only a CancellationToken callback of a task further
        // down can call it then. CoreRuleTests (a cancel that comes back).
        "passing a cancel on: uncancel()", "uncancel while forwarding: CoreRuleTests"
        // A suspension without a waiter is a shell bug; the table refuses it.
        "without a waiter", "refused by the table: TaskTableTests"
        // A pending cancel while the waiter is still pending arises only after a waiter refused a
        // cancel (a gather whose children are all done): the composition properties.
        "Suspended, pending cancel: cancel()", "after a refused cancel: the composition properties (gather)"
    ]

let private excluded (row: string) =
    notModelled |> List.exists (fun (part, _) -> row.Contains part || row = part)

let private rowsOf (histories: TaskWorld.WorldOp list seq) =
    [
        for ops in histories do
            let (_, world, _) = TaskWorld.run ops

            for (s, i) in world.Moves do
                yield rowKey s i
    ]
    |> Set.ofList

// What every task property sees in every run: the row corpus, and (here) 500 random histories.
[<Fact>]
let ``the task properties reach every reachable row of the task table in every run`` () =
    let reachable = reachableRows () |> Set.filter (excluded >> not)

    let observed =
        Set.union (rowsOf TaskWorld.rowCorpus) (rowsOf (Gen.sampleWithSize 50 500 TaskWorld.historyGen))

    let missing = Set.difference reachable observed |> Set.toList

    Assert.True(
        missing.IsEmpty,
        sprintf "%d of %d rows never reached:\n%s" missing.Length reachable.Count (String.concat "\n" missing)
    )

// The corpus alone reaches the rows random histories reach only in some runs: the union above does
// not depend on luck.
[<Fact>]
let ``the row corpus alone reaches the rows random histories miss in some runs`` () =
    let corpus = rowsOf TaskWorld.rowCorpus

    let rare =
        [
            "Running, cancel delivered: cancel()"
            "Running, pending cancel: uncancel()"
            "Suspended, cancel delivered: uncancel()"
            "Scheduled, cancel delivered: cancel()"
            "Scheduled, cancel delivered: uncancel()"
            "Suspended, cancel delivered: cancel()"
            "Suspended, cancel delivered: wakeup from WaiterFailed"
            "Suspended, cancel delivered: wakeup from WaiterSucceeded"
            "Suspended, cancel delivered: wakeup from WaiterCancelled"
            "Suspended, pending cancel: cancel(), waiter done"
            "Suspended, pending cancel: uncancel()"
            "Suspended, pending cancel: wakeup from WaiterFailed"
        ]

    let reachable = reachableRows ()

    for row in rare do
        Assert.True(reachable.Contains row, sprintf "not a row of the table: %s" row)
        Assert.True(corpus.Contains row, sprintf "the corpus misses %s" row)
