namespace Aio.Core

open System.Runtime.CompilerServices

type StepFault =
    | AwaitedItself
    | WaiterOfOtherLoop

type WaiterOutcome =
    | WaiterSucceeded
    | WaiterFailed
    | WaiterCancelled

type StepInput =
    | Go
    | WakeFrom of WaiterOutcome
    | Fault of StepFault

type Resume =
    | Send
    | ThrowCancelled of message: string option
    | ThrowFault of StepFault

type StepEnd =
    | Returned
    | RaisedCancelled of message: string option
    | Raised
    | SuspendedOn of waiterKind: WaiterKind
    | Yielded

and WaiterKind =
    | OrdinaryWaiter
    | UninterruptibleWaiter
    | ItselfAsWaiter
    | OtherLoopWaiter

type TaskEnd =
    | EndReturned
    | EndRaised
    | EndCancelled of message: string option

type TaskCommand =
    | ScheduleStep of StepInput
    | RunCoroutine of Resume
    | RunEagerly
    | AddWakeup
    | CancelWaiter of message: string option
    | Finish of TaskEnd

[<Struct>]
type TaskPhase<'W> =
    | NotStarted
    | Scheduled
    | Running
    | Suspended of waiter: 'W * interruptible: bool
    | Done

[<Struct>]
type TaskState<'W> =
    {
        Phase: TaskPhase<'W>
        CancelRequests: int
        MustCancel: bool
        CancelMessage: string option
    }

[<Struct>]
type Commands =
    {
        Count: int
        First: TaskCommand
        Second: TaskCommand
    }

    member c.ToList() =
        match c.Count with
        | 0 -> []
        | 1 -> [ c.First ]
        | _ -> [ c.First; c.Second ]

type CancelAnswer =
    | CancelAccepted
    | CancelRefused

type TaskInput<'W> =
    | StepStarts of StepInput
    | StepEnds of StepEnd * waiter: 'W voption
    | CancelRequested of message: string option * waiterDone: bool
    | Uncancel
    | WaiterRefusedCancel of message: string option

exception IllegalTaskTransition of phase: string * input: string

// The commands the hot path uses, built once instead of once per step.
type private CachedCommands() =
    static member val ScheduleGo: TaskCommand = ScheduleStep Go
    static member val RunSend: TaskCommand = RunCoroutine Send
    static member val FinishReturned: TaskCommand = Finish EndReturned
    static member val FinishRaised: TaskCommand = Finish EndRaised
    static member val AddWakeup: TaskCommand = AddWakeup

module TaskState =

    let private none: Commands =
        {
            Count = 0
            First = Unchecked.defaultof<_>
            Second = Unchecked.defaultof<_>
        }

    let private one (c: TaskCommand) : Commands =
        {
            Count = 1
            First = c
            Second = Unchecked.defaultof<_>
        }

    let private two (a: TaskCommand) (b: TaskCommand) : Commands = { Count = 2; First = a; Second = b }

    let private wakeSucceeded = WakeFrom WaiterSucceeded
    let private wakeFailed = WakeFrom WaiterFailed
    let private wakeCancelled = WakeFrom WaiterCancelled

    let wakeFrom outcome =
        match outcome with
        | WaiterSucceeded -> wakeSucceeded
        | WaiterFailed -> wakeFailed
        | WaiterCancelled -> wakeCancelled

    let waiterOutcome isCancellation waiter =
        match waiter with
        | FutureState.Cancelled _ -> WaiterCancelled
        // Awaiting it raises a cancellation all the same (a gather whose child was cancelled fails with
        // one), so a pending cancel must keep that error, as for a cancelled waiter.
        | FutureState.Failed(e, _) when isCancellation e -> WaiterCancelled
        | FutureState.Failed _ -> WaiterFailed
        | _ -> WaiterSucceeded

    let private suspendedOrdinary = SuspendedOn OrdinaryWaiter
    let private suspendedUninterruptible = SuspendedOn UninterruptibleWaiter
    let private suspendedItself = SuspendedOn ItselfAsWaiter
    let private suspendedOtherLoop = SuspendedOn OtherLoopWaiter

    let suspendedOn kind =
        match kind with
        | OrdinaryWaiter -> suspendedOrdinary
        | UninterruptibleWaiter -> suspendedUninterruptible
        | ItselfAsWaiter -> suspendedItself
        | OtherLoopWaiter -> suspendedOtherLoop

    let create () : struct (TaskState<'W> * Commands) =
        {
            Phase = NotStarted
            CancelRequests = 0
            MustCancel = false
            CancelMessage = None
        },
        one CachedCommands.ScheduleGo

    let createEager () : struct (TaskState<'W> * Commands) =
        {
            Phase = Running
            CancelRequests = 0
            MustCancel = false
            CancelMessage = None
        },
        one RunEagerly

    let phaseName (p: TaskPhase<'W>) =
        match p with
        | NotStarted -> "NotStarted"
        | Scheduled -> "Scheduled"
        | Running -> "Running"
        | Suspended(_, true) -> "Suspended"
        | Suspended(_, false) -> "SuspendedOnExternal"
        | Done -> "Done"

    let inputName (i: TaskInput<'W>) =
        match i with
        | StepStarts Go -> "step"
        | StepStarts(WakeFrom _) -> "wakeup"
        | StepStarts(Fault _) -> "step(error)"
        | StepEnds(Returned, _) -> "returned"
        | StepEnds(RaisedCancelled _, _) -> "raised CancelledError"
        | StepEnds(Raised, _) -> "raised"
        | StepEnds(SuspendedOn OrdinaryWaiter, _) -> "await pending future"
        | StepEnds(SuspendedOn UninterruptibleWaiter, _) -> "await external task"
        | StepEnds(SuspendedOn _, _) -> "await itself / other loop's future"
        | StepEnds(Yielded, _) -> "sleep(0)"
        | CancelRequested _ -> "cancel()"
        | Uncancel -> "uncancel()"
        | WaiterRefusedCancel _ -> "waiter refused cancel()"

    let private illegal (s: TaskState<'W>) (i: TaskInput<'W>) =
        raise (IllegalTaskTransition(phaseName s.Phase, inputName i))

    // The rare rows live in functions of their own, kept out of line: one function holding every
    // row needs a stack frame of every row's temporaries, zeroed on each call of the common ones.
    [<MethodImpl(MethodImplOptions.NoInlining)>]
    let private illegalStart (input: StepInput) (s: TaskState<'W>) : struct (TaskState<'W> * Commands) =
        illegal s (StepStarts input)

    [<MethodImpl(MethodImplOptions.NoInlining)>]
    let private illegalEnd
        (stepEnd: StepEnd)
        (waiter: 'W voption)
        (s: TaskState<'W>)
        : struct (TaskState<'W> * Commands) =
        match s.Phase, stepEnd, waiter with
        | Running, SuspendedOn _, ValueNone -> raise (IllegalTaskTransition("Running", "await without a waiter"))
        | _ -> illegal s (StepEnds(stepEnd, waiter))

    // A pending cancel replaces the step's input (or a fault is thrown in): anything but a plain resume.
    [<MethodImpl(MethodImplOptions.NoInlining)>]
    let private startThrowing
        (input: StepInput)
        (interruptible: bool)
        (s: TaskState<'W>)
        : struct (TaskState<'W> * Commands) =
        let resume, s =
            if s.MustCancel && interruptible then
                let r =
                    match input with
                    | WakeFrom WaiterCancelled -> Send
                    | _ -> ThrowCancelled s.CancelMessage

                r, { s with MustCancel = false }
            else
                (match input with
                 | Fault f -> ThrowFault f
                 | _ -> Send),
                s

        match s.Phase, resume with
        // Throwing into a coroutine that never started ends it without running any of its body.
        | NotStarted, ThrowCancelled m -> struct ({ s with Phase = Done }, one (Finish(EndCancelled m)))
        | _, Send -> struct ({ s with Phase = Running }, one CachedCommands.RunSend)
        | _ -> struct ({ s with Phase = Running }, one (RunCoroutine resume))

    let startStep (input: StepInput) (s: TaskState<'W>) : struct (TaskState<'W> * Commands) =
        let interruptible =
            match s.Phase, input with
            | NotStarted, Go
            | Scheduled, (Go | Fault _) -> true
            | Suspended(_, i), WakeFrom _ -> i
            | _ -> false

        let allowed =
            match s.Phase, input with
            | NotStarted, Go
            | Scheduled, (Go | Fault _)
            | Suspended _, WakeFrom _ -> true
            | _ -> false

        if not allowed then
            illegalStart input s
        elif s.MustCancel || input.IsFault then
            startThrowing input interruptible s
        else
            struct ({ s with Phase = Running }, one CachedCommands.RunSend)

    [<MethodImpl(MethodImplOptions.NoInlining)>]
    let private ended (stepEnd: StepEnd) (s: TaskState<'W>) : struct (TaskState<'W> * Commands) =
        match stepEnd with
        | Returned when s.MustCancel ->
            struct ({ s with
                        Phase = Done
                        MustCancel = false
                    },
                    one (Finish(EndCancelled s.CancelMessage)))
        | RaisedCancelled m ->
            struct ({ s with
                        Phase = Done
                        MustCancel = false
                    },
                    one (Finish(EndCancelled m)))
        | Raised ->
            struct ({ s with
                        Phase = Done
                        MustCancel = false
                    },
                    one CachedCommands.FinishRaised)
        | SuspendedOn ItselfAsWaiter -> struct ({ s with Phase = Scheduled }, one (ScheduleStep(Fault AwaitedItself)))
        | _ -> struct ({ s with Phase = Scheduled }, one (ScheduleStep(Fault WaiterOfOtherLoop)))

    [<MethodImpl(MethodImplOptions.NoInlining)>]
    let private suspendedCancelling (waiter: 'W) (s: TaskState<'W>) : struct (TaskState<'W> * Commands) =
        // A self-cancel during the step: the waiter is cancelled at once, so even a long sleep raises.
        struct ({ s with
                    Phase = Suspended(waiter, true)
                    MustCancel = false
                },
                two CachedCommands.AddWakeup (CancelWaiter s.CancelMessage))

    let endStep (stepEnd: StepEnd) (waiter: 'W voption) (s: TaskState<'W>) : struct (TaskState<'W> * Commands) =
        if not s.Phase.IsRunning then
            illegalEnd stepEnd waiter s
        else
            match stepEnd with
            | Yielded -> struct ({ s with Phase = Scheduled }, one CachedCommands.ScheduleGo)
            | SuspendedOn OrdinaryWaiter when waiter.IsSome ->
                if s.MustCancel then
                    suspendedCancelling waiter.Value s
                else
                    struct ({ s with
                                Phase = Suspended(waiter.Value, true)
                            },
                            one CachedCommands.AddWakeup)
            | SuspendedOn UninterruptibleWaiter when waiter.IsSome ->
                struct ({ s with
                            Phase = Suspended(waiter.Value, false)
                        },
                        one CachedCommands.AddWakeup)
            | SuspendedOn(OrdinaryWaiter | UninterruptibleWaiter) -> illegalEnd stepEnd waiter s
            | Returned when not s.MustCancel -> struct ({ s with Phase = Done }, one CachedCommands.FinishReturned)
            | _ -> ended stepEnd s

    let cancel
        (message: string option)
        (waiterDone: bool)
        (s: TaskState<'W>)
        : struct (TaskState<'W> * CancelAnswer * Commands) =
        match s.Phase with
        | Done -> struct (s, CancelRefused, none)
        | Suspended(_, true) when not waiterDone ->
            struct ({ s with
                        CancelRequests = s.CancelRequests + 1
                    },
                    CancelAccepted,
                    one (CancelWaiter message))
        | _ ->
            struct ({ s with
                        CancelRequests = s.CancelRequests + 1
                        MustCancel = true
                        CancelMessage = message
                    },
                    CancelAccepted,
                    none)

    let uncancel (s: TaskState<'W>) : struct (TaskState<'W> * Commands) =
        if s.CancelRequests > 0 then
            let n = s.CancelRequests - 1

            struct ({ s with
                        CancelRequests = n
                        MustCancel = s.MustCancel && n > 0
                    },
                    none)
        else
            struct (s, none)

    let waiterRefusedCancel (message: string option) (s: TaskState<'W>) : struct (TaskState<'W> * Commands) =
        match s.Phase with
        | Suspended _ ->
            struct ({ s with
                        MustCancel = true
                        CancelMessage = message
                    },
                    none)
        | _ -> illegal s (WaiterRefusedCancel message)

    let transition (input: TaskInput<'W>) (s: TaskState<'W>) : struct (TaskState<'W> * Commands) =
        match input with
        | StepStarts i -> startStep i s
        | StepEnds(e, w) -> endStep e w s
        | CancelRequested(m, waiterDone) ->
            let struct (s', _, commands) = cancel m waiterDone s
            struct (s', commands)
        | Uncancel -> uncancel s
        | WaiterRefusedCancel m -> waiterRefusedCancel m s

    let isDone (s: TaskState<'W>) =
        match s.Phase with
        | Done -> true
        | _ -> false

    let isCancelling (s: TaskState<'W>) = not (isDone s) && s.CancelRequests > 0
