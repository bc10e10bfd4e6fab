/// SEMANTICS §17, invariants 1–11 (loop and scheduling), on the pure scheduler.
/// Invariant 8 (time() never decreases) is the shell's clock: tests/Examples checks it.
/// Invariant 11 (each callback exception reaches the handler once) is the shell's interpreter:
/// tests/Examples checks it. The rest are decided here.
module Aio.Properties.SchedulerProperties

open FsCheck
open FsCheck.FSharp
open FsCheck.Xunit
open Aio.Properties.Config
open Aio.Core
open Aio.Properties.LoopHistory

let private ran events =
    events
    |> List.choose (fun e ->
        match e with
        | Ran(id, it, now) -> Some(id, it, now)
        | _ -> None)

let private scheduled events =
    events
    |> List.choose (fun e ->
        match e with
        | Scheduled(id, it, timer) -> Some(id, (it, timer))
        | _ -> None)
    |> Map.ofList

let private cancelCalls events =
    events
    |> List.choose (fun e ->
        match e with
        | CancelCalled id -> Some id
        | _ -> None)
    |> Set.ofList

/// Run a property over generated histories; FsCheck prints the seed to replay a failure.
let private forHistories (prop: Op list -> Property) = Prop.forAll histories prop

let private label name (ok: bool) = ok |> Prop.label name

[<AioProperty>]
let ``the core agrees with the naive model on every history`` () =
    forHistories (fun ops ->
        let (events, _, _) = runCore ops
        let expected = runModel ops

        (events = expected)
        |> Prop.label (sprintf "core:  %A\nmodel: %A" events expected))

[<AioProperty>]
let ``every transition keeps the loop state well formed`` () =
    forHistories (fun ops ->
        let (_, _, violations) = runCore ops
        List.isEmpty violations |> Prop.label (sprintf "%A" violations))

[<AioProperty>]
let ``1 FIFO: call_soon handles run in the order they were scheduled`` () =
    forHistories (fun ops ->
        let (events, _, _) = runCore ops
        let sched = scheduled events

        let soonRuns =
            ran events
            |> List.filter (fun (id, _, _) -> snd sched.[id] = None)
            |> List.map (fun (id, _, _) -> id)

        let order =
            soonRuns
            |> List.map (fun id -> events |> List.findIndex ((=) (Scheduled(id, fst sched.[id], None))))

        label "soon handles out of order" (order = List.sort order))

[<AioProperty>]
let ``2 snapshot: a handle scheduled during iteration k never runs in iteration k`` () =
    forHistories (fun ops ->
        let (events, _, _) = runCore ops
        let sched = scheduled events

        ran events
        |> List.forall (fun (id, it, _) -> fst sched.[id] < it)
        |> label "ran in the iteration that scheduled it")

[<AioProperty>]
let ``3 exactly once: cancelled handles never run, others run at most once and all do before the loop closes`` () =
    forHistories (fun ops ->
        let (events, (state, _), _) = runCore ops
        let runs = ran events |> List.map (fun (id, _, _) -> id)

        let cancelledBeforeRun =
            // a handle whose cancel() came before its run never runs
            events
            |> List.indexed
            |> List.choose (fun (i, e) ->
                match e with
                | CancelCalled id -> Some(id, i)
                | _ -> None)
            |> List.filter (fun (id, i) ->
                match
                    events
                    |> List.tryFindIndex (fun e ->
                        match e with
                        | Ran(r, _, _) -> r = id
                        | _ -> false)
                with
                | Some j -> j > i
                | None -> false)

        let onceEach = runs |> List.countBy id |> List.forall (fun (_, n) -> n = 1)

        let soonIds =
            scheduled events
            |> Map.filter (fun _ (_, t) -> t.IsNone)
            |> Map.keys
            |> Set.ofSeq

        let neverRanLeftQueued =
            // at the end (after two final iterations with nothing stopping them), no un-cancelled soon
            // handle scheduled before the last iteration is still waiting, unless the loop closed
            state.Closed
            || Set.difference soonIds (Set.ofList runs)
               |> Set.forall (fun id ->
                   Set.contains id (cancelCalls events)
                   || fst (scheduled events).[id] >= state.Iterations)

        (label "ran more than once" onceEach)
        .&. (label "ran after being cancelled" (List.isEmpty cancelledBeforeRun))
        .&. (label "a queued handle never ran" neverRanLeftQueued))

[<AioProperty>]
let ``4 timer order: within an iteration, due timers run by deadline then registration`` () =
    forHistories (fun ops ->
        let (events, _, _) = runCore ops
        let sched = scheduled events

        ran events
        |> List.groupBy (fun (_, it, _) -> it)
        |> List.forall (fun (_, runs) ->
            let keys = runs |> List.choose (fun (id, _, _) -> snd sched.[id])
            keys = List.sort keys)
        |> label "timers out of (deadline, sequence) order")

[<AioProperty>]
let ``5 no early timer, and a due timer runs in the first iteration that finds it due`` () =
    forHistories (fun ops ->
        let (events, _, _) = runCore ops
        let sched = scheduled events

        let starts =
            events
            |> List.choose (fun e ->
                match e with
                | IterationStarted(it, now, _) -> Some(it, now)
                | _ -> None)

        let runIteration = ran events |> List.map (fun (id, it, _) -> id, it) |> Map.ofList
        let cancelled = cancelCalls events

        let notEarly =
            ran events
            |> List.forall (fun (id, _, now) ->
                match snd sched.[id] with
                | Some(t, _) -> t < now + resolution
                | None -> true)

        let notLate =
            sched
            |> Map.forall (fun id (schedIt, timer) ->
                match timer with
                | Some(t, _) when not (Set.contains id cancelled) ->
                    match starts |> List.tryFind (fun (it, now) -> it > schedIt && t < now + resolution) with
                    | Some(firstDue, _) -> Map.tryFind id runIteration = Some firstDue
                    | None -> true
                | _ -> true)

        label "a timer ran before its deadline" notEarly
        .&. label "a due timer skipped its first due iteration" notLate)

[<AioProperty>]
let ``6 ready before due: handles queued before an iteration run before the timers it makes due`` () =
    forHistories (fun ops ->
        let (events, _, _) = runCore ops
        let sched = scheduled events

        ran events
        |> List.groupBy (fun (_, it, _) -> it)
        |> List.forall (fun (it, runs) ->
            let kinds =
                runs
                |> List.map (fun (id, _, _) -> let (s, t) = sched.[id] in t.IsSome && s < it)
            // once a timer has run, no callback that was queued as a plain handle follows it
            let firstTimer = kinds |> List.tryFindIndex id

            match firstTimer with
            | None -> true
            | Some i -> runs |> List.skip i |> List.forall (fun (id, _, _) -> (snd sched.[id]).IsSome))
        |> label "a plain handle ran after a due timer")

[<AioProperty>]
let ``7 stop: the run ends right after the iteration in which stop() was called, and only then`` () =
    forHistories (fun ops ->
        let (events, _, _) = runCore ops

        let stopped =
            events
            |> List.choose (function
                | Stopped it -> Some it
                | _ -> None)
            |> Set.ofList

        let iterations =
            events
            |> List.choose (function
                | IterationStarted(it, _, _) -> Some it
                | _ -> None)
            |> Set.ofList
        // a stop() during iteration k ends the run after k; one between runs makes the next run one iteration
        let expected =
            events
            |> List.choose (function
                | StopRequested(k, true) -> Some k
                | StopRequested(k, false) -> Some(k + 1L)
                | _ -> None)
            |> Set.ofList
            |> Set.filter (fun k -> Set.contains k iterations)

        (stopped = expected)
        |> label (sprintf "stopped after %A, expected %A" stopped expected))

[<AioProperty>]
let ``9 closed loop: scheduling is refused and nothing runs after close`` () =
    forHistories (fun ops ->
        let closeAt = ops |> List.tryFindIndex ((=) Close)

        match closeAt with
        | None -> true |> Prop.label "no close"
        | Some i ->
            let (before, _, _) = runCore (List.take i ops)
            let (events, _, _) = runCore ops
            let after = List.skip before.Length events

            after
            |> List.forall (fun e ->
                match e with
                | Ran _
                | Scheduled _
                | IterationStarted _ -> false
                | _ -> true)
            |> label "work happened on a closed loop")

[<AioProperty>]
let ``10 determinism: equal histories give equal events and states`` () =
    forHistories (fun ops ->
        let (e1, s1, _) = runCore ops
        let (e2, s2, _) = runCore ops
        label "two runs differ" (e1 = e2 && s1 = s2))

[<AioProperty>]
let ``the poll waits only when nothing is ready, and never past the next deadline`` (NonNegativeInt nowMs) =
    forHistories (fun ops ->
        let (_, (state, timers), _) = runCore ops
        let now = float nowMs / 1000.0
        let ready = not (ReadyQueue.isEmpty state.Ready)

        match Scheduler.pollTimeout now state timers, TimerQueue.tryEarliest timers with
        | ValueSome 0.0, _ when ready || state.Stopping -> true
        | ValueSome dt, ValueSome k -> not ready && dt = max 0.0 (k.Deadline - now)
        | ValueNone, ValueNone -> not ready && not state.Stopping
        | _ -> false
        |> label "wrong poll timeout")

[<AioProperty>]
let ``the virtual clock jumps to the next deadline instead of sleeping`` () =
    forHistories (fun ops ->
        let (_, (state, timers), _) = runCore ops

        match Scheduler.decideWait VirtualClock 0.0 false state timers, Scheduler.pollTimeout 0.0 state timers with
        | Proceed, ValueSome 0.0 -> true
        | AdvanceClockTo t, ValueSome dt -> t = dt && dt > 0.0
        | BlockUntilSignalled, ValueNone -> true
        | _ -> false
        |> label "virtual clock decision")
