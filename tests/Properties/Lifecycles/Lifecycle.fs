namespace Aio.Properties

open Aio.Core

/// The task lifecycle as a picture, drawn from `TaskState.transition` itself: every phase is paired
/// with every kind of input, the transition is run, and each allowed move becomes an edge. The
/// diagram cannot drift from the table because it is the table's own output. A docs generator: it lives
/// with the tests, not in the product.
module Lifecycle =

    type W = | TheWaiter

    /// Every phase a task can be in.
    let phases: TaskPhase<W> list =
        [
            NotStarted
            Scheduled
            Running
            Suspended(TheWaiter, true)
            Suspended(TheWaiter, false)
            Done
        ]

    /// Every kind of input, with each payload that a row can tell apart.
    let inputs: TaskInput<W> list =
        [
            StepStarts Go
            for outcome in [ WaiterSucceeded; WaiterFailed; WaiterCancelled ] do
                StepStarts(WakeFrom outcome)
            StepStarts(Fault AwaitedItself)
            StepStarts(Fault WaiterOfOtherLoop)
            for waiter in [ ValueNone; ValueSome TheWaiter ] do
                StepEnds(Returned, waiter)
                StepEnds(RaisedCancelled None, waiter)
                StepEnds(RaisedCancelled(Some "raised"), waiter)
                StepEnds(Raised, waiter)

                for kind in [ OrdinaryWaiter; UninterruptibleWaiter; ItselfAsWaiter; OtherLoopWaiter ] do
                    StepEnds(SuspendedOn kind, waiter)

                StepEnds(Yielded, waiter)
            for message in [ None; Some "c" ] do
                CancelRequested(message, false)
                CancelRequested(message, true)

                for answer in [ WaiterAccepted; WaiterRefused; WaiterRaised ] do
                    WaiterAnswered(answer, message)
            Uncancel
        ]

    /// Every state: each phase with no cancel, a pending one, a delivered one, and two requests; and a
    /// task suspended on an interruptible waiter while it passes a cancel on (Forwarding, only there).
    let states: TaskState<W> list =
        [
            for p in phases do
                for requests, must, message in
                    [
                        0, false, None
                        1, true, None
                        1, true, Some "m"
                        1, false, None
                        2, true, Some "m"
                    ] do
                    {
                        Phase = p
                        CancelRequests = requests
                        MustCancel = must
                        CancelMessage = message
                        Forwarding = false
                    }
            for requests in [ 1; 2 ] do
                {
                    Phase = Suspended(TheWaiter, true)
                    CancelRequests = requests
                    MustCancel = false
                    CancelMessage = None
                    Forwarding = true
                }
        ]

    /// The cancel guard a row is taken under, by name; None without any cancel request.
    let guardName (s: TaskState<'W>) =
        if s.Forwarding then Some "passing a cancel on"
        elif s.MustCancel then Some "pending cancel"
        elif s.CancelRequests > 0 then Some "cancel delivered"
        else None

    let private label (s: TaskState<W>) (i: TaskInput<W>) (s': TaskState<W>) (cmds: TaskCommand list) =
        let guard =
            match guardName s with
            | Some g -> sprintf " [%s]" g
            | None -> ""

        let effect =
            cmds
            |> List.map (fun c ->
                match c with
                | ScheduleStep _ -> "schedule step"
                | RunCoroutine Send -> "resume"
                | RunCoroutine(ThrowCancelled _) -> "throw CancelledError"
                | RunCoroutine(ThrowFault _) -> "throw RuntimeError"
                | RunEagerly -> "run first step eagerly"
                | AddWakeup -> "add wakeup"
                | CancelWaiter _ -> "cancel waiter"
                | Finish EndReturned -> "finished"
                | Finish EndRaised -> "finished (exception)"
                | Finish(EndCancelled _ | EndRaisedCancelled _) -> "cancelled")
            |> String.concat ", "

        let _ = s'
        let effect = if effect = "" then "" else " / " + effect

        let input =
            match i with
            | StepStarts(WakeFrom WaiterCancelled) -> "wakeup from a cancelled waiter"
            | CancelRequested(_, true) -> "cancel(), waiter done"
            | CancelRequested(_, false) -> "cancel()"
            | _ -> TaskState.inputName i

        input + guard + effect

    /// Edges (from, to, label), deduplicated, in a stable order: every move the table allows from every
    /// state, including those that keep the phase.
    let edges () =
        [
            for s in states do
                for i in inputs do
                    let outcome =
                        try
                            let struct (s', cmds) = TaskState.transition i s
                            Some(s', cmds.ToList())
                        with IllegalTaskTransition _ ->
                            None

                    match outcome with
                    | Some(s', cmds) ->
                        yield TaskState.phaseName s.Phase, TaskState.phaseName s'.Phase, label s i s' cmds
                    | None -> ()
        ]
        |> List.distinct

    /// The Mermaid state diagram committed in docs/task-lifecycle.md.
    let mermaid () =
        let lines =
            [
                yield "stateDiagram-v2"
                yield "    [*] --> NotStarted : create_task / schedule first step"
                for (a, b, l) in edges () do
                    yield sprintf "    %s --> %s : %s" a b l
                yield "    Done --> [*]"
            ]

        String.concat "\n" lines + "\n"
