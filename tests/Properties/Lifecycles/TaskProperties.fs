/// SEMANTICS §17, invariants 18–29 (tasks), on the pure task lifecycle driven through TaskWorld.
/// Shell-side (tests/Examples): 19 (one step at a time / current_task), 27 (awaiting a done future or a
/// coroutine that does not suspend lets nothing else run) — both are about running C# code, which the
/// core never does.
module Aio.Properties.TaskProperties

open FsCheck
open FsCheck.FSharp
open FsCheck.Xunit
open Aio.Properties.Config
open Aio.Core
open Aio.Properties.TaskWorld

// Random histories, and the corpus of histories that reach the table's rarer rows, every run.
let private withCorpus (prop: WorldOp list -> Property) =
    rowCorpus
    |> List.mapi (fun i ops -> prop ops |> Prop.label (sprintf "row corpus history %d" i))
    |> List.fold (.&.) (Prop.forAll histories prop)

let private forWorlds (prop: WorldEvent list -> World -> Property) =
    withCorpus (fun ops ->
        let (events, world, _) = run ops
        prop events world)

let private label name (ok: bool) = ok |> Prop.label name

let private indexOf pred events = events |> List.tryFindIndex pred

[<AioProperty>]
let ``every transition keeps task, future and loop states well formed`` () =
    withCorpus (fun ops ->
        let (_, _, violations) = run ops
        List.isEmpty violations |> Prop.label (sprintf "%A" violations))

[<AioProperty>]
let ``18 lazy start: no statement runs before the next iteration, and first steps follow creation order`` () =
    forWorlds (fun events _ ->
        let created =
            events
            |> List.choose (function
                | Created(t, it) -> Some(t, it)
                | _ -> None)
            |> Map.ofList

        let firstResumes =
            events
            |> List.choose (function
                | Resumed(t, it) -> Some(t, it)
                | _ -> None)
            |> List.distinctBy fst

        let later = firstResumes |> List.forall (fun (t, it) -> it > created.[t])
        let order = firstResumes |> List.map fst

        label "a task ran during the iteration that created it" later
        .&. label "first steps out of creation order" (order = List.sort order))

[<AioProperty>]
let ``20 exactly-once completion, and CANCELLED iff the coroutine ended cancelled or returned with a pending cancel``
    ()
    =
    forWorlds (fun events world ->
        world.Tasks
        |> List.forall (fun t ->
            let finals =
                events
                |> List.filter (function
                    | TaskFinal(id, _) -> id = t.Id
                    | _ -> false)

            let ended =
                events
                |> List.tryPick (function
                    | CoroutineEnded(id, how) when id = t.Id -> Some how
                    | _ -> None)

            let accepted =
                events
                |> List.exists (function
                    | CancelCall(id, _, true) -> id = t.Id
                    | _ -> false)

            match finals, ended with
            | [], None -> true
            | [ TaskFinal(_, Cancelled _) ], Some(EndedCancelled _) -> true
            | [ TaskFinal(_, Failed _) ], Some EndedRaised -> true
            | [ TaskFinal(_, Succeeded _) ], Some EndedReturned -> true
            | [ TaskFinal(_, Cancelled _) ], Some EndedReturned -> accepted
            | [ TaskFinal(_, Cancelled _) ], None -> accepted // cancelled before its first step
            | _ -> false)
        |> label "a task's outcome does not match how its coroutine ended")

[<AioProperty>]
let ``21 cancel counting: cancelling() = accepted cancels minus decrementing uncancels, never negative`` () =
    withCorpus (fun ops ->
        let (events, world, violations) = run ops
        let counts = violations |> List.filter (fun v -> v.Contains "cancelling()")

        let refusedOnDone =
            // cancel() on a done task answers false
            events
            |> List.indexed
            |> List.forall (fun (i, e) ->
                match e with
                | CancelCall(t, _, accepted) ->
                    let doneBefore =
                        events
                        |> List.take i
                        |> List.exists (function
                            | TaskFinal(id, _) -> id = t
                            | _ -> false)

                    accepted = not doneBefore
                | _ -> true)

        label (sprintf "%A" counts) counts.IsEmpty
        .&. label "cancel() answered wrongly" refusedOnDone
        .&. label "negative count" (world.Tasks |> List.forall (fun t -> t.State.CancelRequests >= 0)))

[<AioProperty>]
let ``22 cancel before start: no statement runs and the task ends cancelled`` () =
    forWorlds (fun events world ->
        world.Tasks
        |> List.forall (fun t ->
            let firstCancel =
                indexOf
                    (function
                    | CancelCall(id, _, true) -> id = t.Id
                    | _ -> false)
                    events

            let firstResume =
                indexOf
                    (function
                    | Resumed(id, _) -> id = t.Id
                    | _ -> false)
                    events

            let withdrawn =
                // an uncancel() back to 0 before the first step withdraws the request (invariant 26)
                events
                |> List.indexed
                |> List.exists (fun (i, e) ->
                    match e with
                    | UncancelCall(id, 0) ->
                        id = t.Id
                        && Some i > firstCancel
                        && (firstResume.IsNone || Some i < firstResume)
                    | _ -> false)

            match firstCancel, firstResume with
            | _ when withdrawn -> true
            | Some c, None ->
                let ran =
                    events
                    |> List.exists (function
                        | Executed(id, _) -> id = t.Id
                        | _ -> false)

                let finished =
                    events
                    |> List.exists (function
                        | TaskFinal(id, Cancelled _) -> id = t.Id
                        | _ -> false)

                let finalAny =
                    events
                    |> List.exists (function
                        | TaskFinal(id, _) -> id = t.Id
                        | _ -> false)

                not ran && (finished || not finalAny)
            | Some c, Some r when c < r ->
                // the first step, when it came, ran nothing and ended the task cancelled
                let ran =
                    events
                    |> List.exists (function
                        | Executed(id, _) -> id = t.Id
                        | _ -> false)

                not ran
            | _ -> true)
        |> label "a task cancelled before its first step ran a statement")

[<AioProperty>]
let ``23 one delivery: cancels while parked on a pending future raise one CancelledError with the first message`` () =
    forWorlds (fun events _ ->
        let indexed = List.indexed events

        indexed
        |> List.forall (fun (i, e) ->
            match e with
            | SuspendedOnWaiter(t, FutureW f, _) ->
                let rest = indexed |> List.skip (i + 1)

                let resume =
                    rest
                    |> List.tryFind (fun (_, e) ->
                        match e with
                        | Resumed(id, _)
                        | TaskFinal(id, _) -> id = t
                        | _ -> false)

                let until =
                    match resume with
                    | Some(j, _) -> j
                    | None -> events.Length

                let window = indexed |> List.filter (fun (j, _) -> j > i && j < until)

                let cancels =
                    window
                    |> List.choose (fun (_, e) ->
                        match e with
                        | CancelCall(id, m, true) when id = t -> Some m
                        | _ -> None)
                // was the future still pending when the first cancel came? (nobody completed it first)
                let firstCancelAt =
                    window
                    |> List.tryFind (fun (_, e) ->
                        match e with
                        | CancelCall(id, _, true) -> id = t
                        | _ -> false)
                    |> Option.map fst

                let completedBefore =
                    window
                    |> List.exists (fun (j, e) ->
                        match e with
                        | WaiterDone(FutureW g, _) -> g = f && Some j < firstCancelAt
                        | _ -> false)

                match cancels, resume with
                | m :: _, Some(j, Resumed _) when not completedBefore ->
                    let afterResume = indexed |> List.skip (j + 1)

                    let nextSuspendOrEnd =
                        afterResume
                        |> List.tryFind (fun (_, e) ->
                            match e with
                            | SuspendedOnWaiter(id, _, _)
                            | YieldedAt(id, _)
                            | CoroutineEnded(id, _) -> id = t
                            | _ -> false)
                        |> Option.map fst
                        |> Option.defaultValue events.Length
                    // the CancelledError is raised at the await the task resumes from, with the first
                    // message, and no second one from these requests follows in the same step
                    let raisedAtResume =
                        match afterResume with
                        | (_, Delivered(id, _, msg, _)) :: _ -> id = t && msg = m
                        | _ -> false

                    let laterFromPending =
                        afterResume
                        |> List.skip 1
                        |> List.takeWhile (fun (k, e) ->
                            k < nextSuspendOrEnd
                            && not (
                                match e with
                                | CancelCall(id, _, true) -> id = t
                                | _ -> false
                            ))
                        |> List.exists (fun (_, e) ->
                            match e with
                            | Delivered(id, _, _, true) -> id = t
                            | _ -> false)

                    raisedAtResume && not laterFromPending
                | _ -> true
            | _ -> true)
        |> label "not exactly one CancelledError with the first message")

[<AioProperty>]
let ``24 propagation: cancelling a task parked on another task cancels that task at once with the same message`` () =
    forWorlds (fun events _ ->
        let rec suspendedOnTask (t: int) (upTo: int) =
            // the waiter task t was parked on at event index upTo, if it was parked on a task then
            events
            |> List.take upTo
            |> List.rev
            |> List.tryPick (function
                | SuspendedOnWaiter(id, w, _) when id = t -> Some(Some w)
                | Resumed(id, _) when id = t -> Some None
                | _ -> None)
            |> Option.flatten

        events
        |> List.indexed
        |> List.forall (fun (i, e) ->
            match e with
            | CancelCall(a, m, true) ->
                match suspendedOnTask a i with
                | Some(TaskW b) when b <> a ->
                    let bDone =
                        events
                        |> List.take i
                        |> List.exists (function
                            | TaskFinal(id, _) -> id = b
                            | _ -> false)

                    let woken =
                        events
                        |> List.take i
                        |> List.exists (function
                            | WaiterDone(TaskW id, _) -> id = b
                            | _ -> false)

                    bDone
                    || woken
                    || (match List.tryItem (i + 1) events with
                        | Some(CancelCall(id, m2, _)) -> id = b && m2 = m
                        | _ -> false)
                | _ -> true
            | _ -> true)
        |> label "the awaited task was not cancelled first, with the same message")

[<AioProperty>]
let ``25 swallowing: a coroutine that catches the cancellation and returns ends finished, not cancelled`` () =
    forWorlds (fun events world ->
        world.Tasks
        |> List.forall (fun t ->
            let delivered =
                events
                |> List.exists (function
                    | Delivered(id, _, _, _) -> id = t.Id
                    | _ -> false)

            let endedReturned = events |> List.contains (CoroutineEnded(t.Id, EndedReturned))

            let lastCancelIdx =
                events
                |> List.tryFindIndexBack (function
                    | CancelCall(id, _, true) -> id = t.Id
                    | _ -> false)
            // a request is consumed by the CancelledError raised at the await the task resumes from
            // (one raised by awaiting an already-cancelled future leaves a pending request alone)
            let lastDeliveredIdx =
                events
                |> List.pairwise
                |> List.indexed
                |> List.tryFindBack (fun (_, (a, b)) ->
                    match a, b with
                    | Resumed(id, _), Delivered(id2, _, _, _) -> id = t.Id && id2 = t.Id
                    | _ -> false)
                |> Option.map (fun (i, _) -> i + 1)
            // every accepted cancel was delivered before the return: the task must end finished
            if delivered && endedReturned && lastCancelIdx < lastDeliveredIdx then
                match FutureState.view t.Future with
                | Succeeded _ -> true
                | _ -> false
            else
                true)
        |> label "a swallowed cancellation still ended the task cancelled")

[<AioProperty>]
let ``26 uncancel to zero withdraws a cancel that was not handed to a waiter`` () =
    forWorlds (fun events _ ->
        events
        |> List.indexed
        |> List.forall (fun (i, e) ->
            match e with
            | UncancelCall(t, 0) ->
                let after = events |> List.skip (i + 1)

                let nextCancel =
                    after
                    |> List.tryFindIndex (function
                        | CancelCall(id, _, true) -> id = t
                        | _ -> false)

                let nextPendingDelivery =
                    after
                    |> List.tryFindIndex (function
                        | Delivered(id, _, _, true) -> id = t
                        | _ -> false)

                match nextPendingDelivery, nextCancel with
                | Some d, Some c -> c < d
                | Some _, None -> false
                | None, _ -> true
            | _ -> true)
        |> label "a withdrawn cancel was still delivered")

[<AioProperty>]
let ``28 sleep(0) resumes after exactly one iteration`` () =
    forWorlds (fun events _ ->
        events
        |> List.indexed
        |> List.forall (fun (i, e) ->
            match e with
            | YieldedAt(t, it) ->
                match
                    events
                    |> List.skip (i + 1)
                    |> List.tryPick (function
                        | Resumed(id, r) when id = t -> Some r
                        | _ -> None)
                with
                | Some r -> r = it + 1L
                | None -> true
            | _ -> true)
        |> label "a yield did not resume in the next iteration")

[<AioProperty>]
let ``29 wakeup latency: a task parked on F resumes in the iteration after F completes`` () =
    forWorlds (fun events _ ->
        events
        |> List.indexed
        |> List.forall (fun (i, e) ->
            match e with
            | SuspendedOnWaiter(t, w, _) ->
                let after = events |> List.skip (i + 1)

                let resumed =
                    after
                    |> List.tryFindIndex (function
                        | Resumed(id, _) -> id = t
                        | _ -> false)

                let doneAt =
                    after
                    |> List.tryFindIndex (function
                        | WaiterDone(x, _) -> x = w
                        | _ -> false)

                match doneAt, resumed with
                | Some d, Some r when d < r ->
                    match after.[d], after.[r] with
                    | WaiterDone(_, doneIt), Resumed(_, resumeIt) -> resumeIt = doneIt + 1L
                    | _ -> false
                | Some _, None -> true
                | None, _ -> true // resumed some other way (its own cancel), or never
                | Some _, Some _ -> true
            | _ -> true)
        |> label "a woken task did not resume in the next iteration")
