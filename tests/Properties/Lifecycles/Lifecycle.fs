namespace Aio.Properties

open Aio.Core

/// The task lifecycle as a picture, drawn from `TaskState.transition` itself: every phase is paired
/// with every kind of input, the transition is run, and each allowed move becomes an edge. The
/// diagram cannot drift from the table because it is the table's own output. A docs generator: it lives
/// with the tests, not in the product.
module Lifecycle =

    type private W = | TheWaiter

    let private samplePhases: TaskPhase<W> list =
        [
            NotStarted
            Scheduled
            Running
            Suspended(TheWaiter, true)
            Suspended(TheWaiter, false)
            Done
        ]

    let private sampleInputs: TaskInput<W> list =
        [
            StepStarts Go
            StepStarts(WakeFrom WaiterSucceeded)
            StepStarts(Fault AwaitedItself)
            StepEnds(Returned, ValueNone)
            StepEnds(RaisedCancelled None, ValueNone)
            StepEnds(Raised, ValueNone)
            StepEnds(SuspendedOn OrdinaryWaiter, ValueSome TheWaiter)
            StepEnds(SuspendedOn UninterruptibleWaiter, ValueSome TheWaiter)
            StepEnds(SuspendedOn ItselfAsWaiter, ValueSome TheWaiter)
            StepEnds(Yielded, ValueNone)
            CancelRequested(None, false)
            CancelRequested(None, true)
        ]

    let private flagsVariants (p: TaskPhase<W>) : TaskState<W> list =
        [
            {
                Phase = p
                CancelRequests = 0
                MustCancel = false
                CancelMessage = None
            }
            {
                Phase = p
                CancelRequests = 1
                MustCancel = true
                CancelMessage = None
            }
        ]

    let private label (s: TaskState<W>) (i: TaskInput<W>) (s': TaskState<W>) (cmds: TaskCommand list) =
        let guard = if s.MustCancel then " [pending cancel]" else ""

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
                | Finish(EndCancelled _) -> "cancelled")
            |> String.concat ", "

        let _ = s'
        let effect = if effect = "" then "" else " / " + effect
        TaskState.inputName i + guard + effect

    /// Edges (from, to, label), deduplicated, in a stable order.
    let edges () =
        [
            for p in samplePhases do
                for s in flagsVariants p do
                    for i in sampleInputs do
                        let outcome =
                            try
                                let struct (s', cmds) = TaskState.transition i s
                                Some(s', cmds.ToList())
                            with IllegalTaskTransition _ ->
                                None

                        match outcome with
                        | Some(s', cmds) when s'.Phase <> s.Phase ->
                            yield TaskState.phaseName s.Phase, TaskState.phaseName s'.Phase, label s i s' cmds
                        | _ -> ()
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
