/// Issue 12, point 3: the task properties run on TaskWorld, a model of how the shell interprets the
/// core. Here every history is also run on the real library (tests/Programs/TaskScripts.cs: a
/// virtual-clock Loop, real futures, LoopTasks whose C# coroutines follow the scripts) and the two traces
/// must be the same, event for event, and so must every task's final state and cancel count. A shell
/// that drifts from the model, or a model that drifts from the shell, fails here with both traces.
module Aio.Properties.ShellAgreementProperties

open FsCheck
open FsCheck.FSharp
open Aio.Core
open Aio.Programs
open Aio.Properties.Config
open Aio.Properties.TaskWorld

let private text (m: string option) = defaultArg m "-"

let private step (instr: Instr) =
    let onCancel o =
        match o with
        | Propagate -> CancelHandling.Propagate
        | Swallow -> CancelHandling.Swallow
        | SwallowAndUncancel -> CancelHandling.SwallowAndUncancel

    match instr with
    | AwaitFuture(f, o) -> ScriptStep(ScriptOp.AwaitFuture, f, onCancel o, null)
    | AwaitTask(t, o) -> ScriptStep(ScriptOp.AwaitTask, t, onCancel o, null)
    | Yield o -> ScriptStep(ScriptOp.Yield, 0, onCancel o, null)
    | CancelSelf m -> ScriptStep(ScriptOp.CancelSelf, 0, CancelHandling.Propagate, Option.toObj m)
    | Return -> ScriptStep(ScriptOp.Return, 0, CancelHandling.Propagate, null)
    | Raise -> ScriptStep(ScriptOp.Raise, 0, CancelHandling.Propagate, null)

// The history for the shell, with each script's task references resolved as TaskWorld resolves them.
let private historyFor (ops: WorldOp list) =
    let mutable created = 0

    [
        for op in ops do
            match op with
            | CreateTask script ->
                let id = created
                created <- created + 1

                let resolved =
                    script
                    |> List.map (function
                        | AwaitTask(n, o) -> AwaitTask(n % (id + 1), o)
                        | other -> other)

                yield HistoryStep(HistoryOp.CreateTask, 0, null, resolved |> List.map step |> ResizeArray)
            | CompleteFuture f -> yield HistoryStep(HistoryOp.CompleteFuture, f, null, null)
            | FailFuture f -> yield HistoryStep(HistoryOp.FailFuture, f, null, null)
            | CancelFuture(f, m) -> yield HistoryStep(HistoryOp.CancelFuture, f, Option.toObj m, null)
            | CancelTask(t, m) -> yield HistoryStep(HistoryOp.CancelTask, t, Option.toObj m, null)
            | UncancelTask t -> yield HistoryStep(HistoryOp.UncancelTask, t, null, null)
            | Iterate -> yield HistoryStep(HistoryOp.Iterate, 0, null, null)
    ]

let private opName (op: WorldOp) =
    match op with
    | CreateTask _ -> "CreateTask"
    | CompleteFuture _ -> "CompleteFuture"
    | FailFuture _ -> "FailFuture"
    | CancelFuture _ -> "CancelFuture"
    | CancelTask _ -> "CancelTask"
    | UncancelTask _ -> "UncancelTask"
    | Iterate -> "Iterate"

/// TaskWorld's events in the runner's words. A coroutine sees only the cancels it makes, and its caller
/// only those it makes: a CancelCall right after the operation or the CancelSelf that made it is
/// kept, the ones the core passed on to awaited tasks are not. Waiter completions and the future's
/// final state are left out of the trace (the final states are compared on their own).
let private modelTrace (events: WorldEvent list) (world: World) =
    let scripts = world.Tasks |> List.map (fun t -> t.Id, t.Script) |> Map.ofList

    let direct previous =
        match previous with
        | Some(OpStarts(CancelTask _)) -> true
        | Some(Executed(t, pc)) ->
            match scripts.[t].[pc] with
            | CancelSelf _ -> true
            | _ -> false
        | _ -> false

    events
    |> List.mapi (fun i e -> (if i = 0 then None else Some events.[i - 1]), e)
    |> List.choose (fun (previous, e) ->
        match e with
        | OpStarts op -> Some(sprintf "op %s" (opName op))
        | Created(t, _) -> Some(sprintf "created %d" t)
        | Resumed(t, _) -> Some(sprintf "resumed %d" t)
        | Executed(t, pc) -> Some(sprintf "exec %d %d" t pc)
        | Delivered(t, pc, m, _) -> Some(sprintf "delivered %d %d %s" t pc (text m))
        | SuspendedOnWaiter(t, FutureW f, _) -> Some(sprintf "suspended %d f%d" t f)
        | SuspendedOnWaiter(t, TaskW w, _) -> Some(sprintf "suspended %d t%d" t w)
        | YieldedAt(t, _) -> Some(sprintf "yielded %d" t)
        | CancelCall(t, m, accepted) when direct previous ->
            Some(sprintf "cancel %d %s %s" t (text m) (if accepted then "True" else "False"))
        | CancelCall _ -> None
        | UncancelCall(t, remaining) -> Some(sprintf "uncancel %d %d" t remaining)
        | CoroutineEnded(t, EndedReturned) -> Some(sprintf "ended %d returned" t)
        | CoroutineEnded(t, EndedRaised) -> Some(sprintf "ended %d raised" t)
        | CoroutineEnded(t, EndedCancelled m) -> Some(sprintf "ended %d cancelled %s" t (text m))
        | TaskFinal _
        | WaiterDone _ -> None)

let private modelFinals (world: World) =
    world.Tasks
    |> List.map (fun t ->
        let final =
            match FutureState.view t.Future with
            | Pending _
            | PendingOne _ -> "pending"
            | Succeeded _ -> "returned"
            | Failed _ -> "failed"
            | Cancelled m -> sprintf "cancelled %s" (text (TaskWorld.takeCancelMessage world (TaskW t.Id) m))

        sprintf "final %d %s requests=%d" t.Id final t.State.CancelRequests)

let private agree (ops: WorldOp list) =
    let (events, world, _) = TaskWorld.run ops
    let model = modelTrace events world
    let modelEnd = modelFinals world

    let struct (shellEvents, shellFinals) =
        TaskScriptRunner.Run(historyFor ops, futureCount)

    let shell = List.ofSeq shellEvents
    let shellEnd = List.ofSeq shellFinals

    let firstDifference =
        Seq.zip
            (Seq.append model (Seq.replicate (max 0 (shell.Length - model.Length)) "<end>"))
            (Seq.append shell (Seq.replicate (max 0 (model.Length - shell.Length)) "<end>"))
        |> Seq.tryFindIndex (fun (a, b) -> a <> b)

    (model = shell && modelEnd = shellEnd)
    |> Prop.label (
        sprintf
            "first difference at event %A\nmodel: %s\nshell: %s\nmodel finals: %A\nshell finals: %A"
            firstDifference
            (String.concat " | " model)
            (String.concat " | " shell)
            modelEnd
            shellEnd
    )

[<AioProperty>]
let ``the real shell and TaskWorld give the same trace, final states and cancel counts on every history`` () =
    let corpus =
        rowCorpus
        |> List.mapi (fun i ops -> agree ops |> Prop.label (sprintf "row corpus history %d" i))
        |> List.reduce (.&.)

    Prop.forAll histories agree .&. corpus
