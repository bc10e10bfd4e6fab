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
    | EndRaisedCancelled of message: string option

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
        Forwarding: bool
    }

[<Struct>]
type Commands<'W> =
    {
        Count: int
        First: TaskCommand
        Second: TaskCommand
        Waiter: 'W
    }

    member c.ToList() =
        match c.Count with
        | 0 -> []
        | 1 -> [ c.First ]
        | _ -> [ c.First; c.Second ]

type CancelAnswer =
    | CancelAccepted
    | CancelRefused
    | CancelCameBack

type WaiterAnswer =
    | WaiterAccepted
    | WaiterRefused
    | WaiterRaised

type TaskInput<'W> =
    | StepStarts of StepInput
    | StepEnds of StepEnd * waiter: 'W voption
    | CancelRequested of message: string option * waiterDone: bool
    | Uncancel
    | WaiterAnswered of answer: WaiterAnswer * message: string option

exception IllegalTaskTransition of phase: string * input: string

// The commands the hot path uses, built once instead of once per step.
type private CachedCommands() =
    static member val ScheduleGo: TaskCommand = ScheduleStep Go
    static member val RunSend: TaskCommand = RunCoroutine Send
    static member val FinishReturned: TaskCommand = Finish EndReturned
    static member val FinishRaised: TaskCommand = Finish EndRaised
    static member val AddWakeup: TaskCommand = AddWakeup

module TaskState =

    let private none<'W> : Commands<'W> =
        {
            Count = 0
            First = Unchecked.defaultof<_>
            Second = Unchecked.defaultof<_>
            Waiter = Unchecked.defaultof<_>
        }

    let private one (c: TaskCommand) : Commands<'W> =
        {
            Count = 1
            First = c
            Second = Unchecked.defaultof<_>
            Waiter = Unchecked.defaultof<_>
        }

    // The waiter commands name their waiter in the transition's output, beside them: the commands
    // themselves stay shared values, so suspending allocates nothing.
    let private addWakeup (waiter: 'W) : Commands<'W> =
        {
            Count = 1
            First = CachedCommands.AddWakeup
            Second = Unchecked.defaultof<_>
            Waiter = waiter
        }

    let private cancelWaiter (waiter: 'W) (message: string option) : Commands<'W> =
        {
            Count = 1
            First = CancelWaiter message
            Second = Unchecked.defaultof<_>
            Waiter = waiter
        }

    let private addWakeupAndCancel (waiter: 'W) (message: string option) : Commands<'W> =
        {
            Count = 2
            First = CachedCommands.AddWakeup
            Second = CancelWaiter message
            Waiter = waiter
        }

    let private wakeSucceeded = WakeFrom WaiterSucceeded
    let private wakeFailed = WakeFrom WaiterFailed
    let private wakeCancelled = WakeFrom WaiterCancelled

    let wakeFrom outcome =
        match outcome with
        | WaiterSucceeded -> wakeSucceeded
        | WaiterFailed -> wakeFailed
        | WaiterCancelled -> wakeCancelled

    let waiterOutcome isCancellation waiter =
        if FutureState.isCancelled waiter then
            WaiterCancelled
        else
            match FutureState.failure waiter with
            // Awaiting it raises a cancellation all the same (a gather whose child was cancelled fails
            // with one), so a pending cancel must keep that error, as for a cancelled waiter.
            | ValueSome e when isCancellation e -> WaiterCancelled
            | ValueSome _ -> WaiterFailed
            | ValueNone -> WaiterSucceeded

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

    let create () : struct (TaskState<'W> * Commands<'W>) =
        {
            Phase = NotStarted
            CancelRequests = 0
            MustCancel = false
            CancelMessage = None
            Forwarding = false
        },
        one CachedCommands.ScheduleGo

    let createEager () : struct (TaskState<'W> * Commands<'W>) =
        {
            Phase = Running
            CancelRequests = 0
            MustCancel = false
            CancelMessage = None
            Forwarding = false
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
        | WaiterAnswered(WaiterAccepted, _) -> "waiter accepted cancel()"
        | WaiterAnswered(WaiterRefused, _) -> "waiter refused cancel()"
        | WaiterAnswered(WaiterRaised, _) -> "waiter's cancel() raised"

    let private illegal (s: TaskState<'W>) (i: TaskInput<'W>) =
        raise (IllegalTaskTransition(phaseName s.Phase, inputName i))

    // The rare rows live in functions of their own, kept out of line: one function holding every
    // row needs a stack frame of every row's temporaries, zeroed on each call of the common ones.
    [<MethodImpl(MethodImplOptions.NoInlining)>]
    let private illegalStart (input: StepInput) (s: TaskState<'W>) : struct (TaskState<'W> * Commands<'W>) =
        illegal s (StepStarts input)

    [<MethodImpl(MethodImplOptions.NoInlining)>]
    let private illegalEnd
        (stepEnd: StepEnd)
        (waiter: 'W voption)
        (s: TaskState<'W>)
        : struct (TaskState<'W> * Commands<'W>) =
        match s.Phase, stepEnd, waiter with
        | Running, SuspendedOn _, ValueNone -> raise (IllegalTaskTransition("Running", "await without a waiter"))
        | _ -> illegal s (StepEnds(stepEnd, waiter))

    // A pending cancel replaces the step's input (or a fault is thrown in): anything but a plain resume.
    [<MethodImpl(MethodImplOptions.NoInlining)>]
    let private startThrowing
        (input: StepInput)
        (interruptible: bool)
        (s: TaskState<'W>)
        : struct (TaskState<'W> * Commands<'W>) =
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
        | NotStarted, ThrowCancelled m -> struct ({ s with Phase = Done }, one (Finish(EndRaisedCancelled m)))
        | _, Send -> struct ({ s with Phase = Running }, one CachedCommands.RunSend)
        | _ -> struct ({ s with Phase = Running }, one (RunCoroutine resume))

    // startStep's common row, out of line for the reason given at endStep's rows below.
    [<MethodImpl(MethodImplOptions.NoInlining)>]
    let private resumed (s: TaskState<'W>) : struct (TaskState<'W> * Commands<'W>) =
        struct ({ s with Phase = Running }, one CachedCommands.RunSend)

    let startStep (input: StepInput) (s: TaskState<'W>) : struct (TaskState<'W> * Commands<'W>) =
        // The input is looked at once: a union of three cases is told apart by type tests, one per case
        // tried, and this is every step's first question.
        let struct (allowed, interruptible, fault) =
            match input with
            | WakeFrom _ ->
                match s.Phase with
                | Suspended(_, i) -> struct (true, i, false)
                | _ -> struct (false, false, false)
            | Go ->
                match s.Phase with
                | NotStarted
                | Scheduled -> struct (true, true, false)
                | _ -> struct (false, false, false)
            | Fault _ -> struct (s.Phase.IsScheduled, true, true)

        // No step starts while the task is passing a cancel on: that is one synchronous call.
        if not allowed || s.Forwarding then
            illegalStart input s
        elif s.MustCancel || fault then
            startThrowing input interruptible s
        else
            resumed s

    [<MethodImpl(MethodImplOptions.NoInlining)>]
    let private ended (stepEnd: StepEnd) (s: TaskState<'W>) : struct (TaskState<'W> * Commands<'W>) =
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
                    one (Finish(EndRaisedCancelled m)))
        | Raised ->
            struct ({ s with
                        Phase = Done
                        MustCancel = false
                    },
                    one CachedCommands.FinishRaised)
        | SuspendedOn ItselfAsWaiter -> struct ({ s with Phase = Scheduled }, one (ScheduleStep(Fault AwaitedItself)))
        | _ -> struct ({ s with Phase = Scheduled }, one (ScheduleStep(Fault WaiterOfOtherLoop)))

    [<MethodImpl(MethodImplOptions.NoInlining)>]
    let private suspendedCancelling (waiter: 'W) (s: TaskState<'W>) : struct (TaskState<'W> * Commands<'W>) =
        // A self-cancel during the step: the waiter is cancelled at once, so even a long sleep raises.
        struct ({ s with
                    Phase = Suspended(waiter, true)
                    MustCancel = false
                    Forwarding = true
                },
                addWakeupAndCancel waiter s.CancelMessage)

    // The common rows of endStep, each in a function of its own: a struct result built in a branch
    // takes stack temporaries, the JIT gives every branch its own and zeroes them all on entry, so with
    // the rows inline every step zeroed over 400 bytes of stack (measured: half of the two transitions'
    // 65 ns).
    [<MethodImpl(MethodImplOptions.NoInlining)>]
    let private yielded (s: TaskState<'W>) : struct (TaskState<'W> * Commands<'W>) =
        struct ({ s with Phase = Scheduled }, one CachedCommands.ScheduleGo)

    [<MethodImpl(MethodImplOptions.NoInlining)>]
    let private parked (waiter: 'W) (interruptible: bool) (s: TaskState<'W>) : struct (TaskState<'W> * Commands<'W>) =
        struct ({ s with
                    Phase = Suspended(waiter, interruptible)
                },
                addWakeup waiter)

    [<MethodImpl(MethodImplOptions.NoInlining)>]
    let private returned (s: TaskState<'W>) : struct (TaskState<'W> * Commands<'W>) =
        struct ({ s with Phase = Done }, one CachedCommands.FinishReturned)

    let endStep (stepEnd: StepEnd) (waiter: 'W voption) (s: TaskState<'W>) : struct (TaskState<'W> * Commands<'W>) =
        if not s.Phase.IsRunning then
            illegalEnd stepEnd waiter s
        else
            match stepEnd with
            | Yielded -> yielded s
            | SuspendedOn OrdinaryWaiter when waiter.IsSome ->
                if s.MustCancel then
                    suspendedCancelling waiter.Value s
                else
                    parked waiter.Value true s
            | SuspendedOn UninterruptibleWaiter when waiter.IsSome -> parked waiter.Value false s
            | SuspendedOn(OrdinaryWaiter | UninterruptibleWaiter) -> illegalEnd stepEnd waiter s
            | Returned when not s.MustCancel -> returned s
            | _ -> ended stepEnd s

    let cancel
        (message: string option)
        (waiterDone: bool)
        (s: TaskState<'W>)
        : struct (TaskState<'W> * CancelAnswer * Commands<'W>) =
        match s.Phase with
        | Done -> struct (s, CancelRefused, none)
        | _ when s.Forwarding -> struct (s, CancelCameBack, none)
        | Suspended(waiter, true) when not waiterDone ->
            struct ({ s with
                        CancelRequests = s.CancelRequests + 1
                        Forwarding = true
                    },
                    CancelAccepted,
                    cancelWaiter waiter message)
        | _ ->
            struct ({ s with
                        CancelRequests = s.CancelRequests + 1
                        MustCancel = true
                        CancelMessage = message
                    },
                    CancelAccepted,
                    none)

    let uncancel (s: TaskState<'W>) : struct (TaskState<'W> * Commands<'W>) =
        if s.CancelRequests > 0 then
            let n = s.CancelRequests - 1

            struct ({ s with
                        CancelRequests = n
                        MustCancel = s.MustCancel && n > 0
                    },
                    none)
        else
            struct (s, none)

    let waiterAnswered
        (answer: WaiterAnswer)
        (message: string option)
        (s: TaskState<'W>)
        : struct (TaskState<'W> * Commands<'W>) =
        match s.Phase, answer with
        | Suspended _, WaiterRefused when s.Forwarding ->
            struct ({ s with
                        Forwarding = false
                        MustCancel = true
                        CancelMessage = message
                    },
                    none)
        | Suspended _, _ when s.Forwarding -> struct ({ s with Forwarding = false }, none)
        | _ -> illegal s (WaiterAnswered(answer, message))

    // The table. One row per move, in this order; the first row that matches decides, and a pair no row
    // names is illegal. Throughout, the task invariant of asyncio holds: a task is Suspended exactly when
    // a wakeup is registered on its waiter and no step of it is queued; Scheduled exactly when one step
    // is queued; Running only inside that step. `cancel` below is the only way MustCancel is set, and
    // every row that delivers a cancellation clears it. The functions above (startStep, endStep, cancel,
    // uncancel, waiterAnswered) are the same rows split for the hot path; a test checks that they
    // agree with this table on every state and input.
    let transition (input: TaskInput<'W>) (s: TaskState<'W>) : struct (TaskState<'W> * Commands<'W>) =
        let m = s.CancelMessage

        let delivered phase =
            { s with
                Phase = phase
                MustCancel = false
            }

        match s.Phase, input with
        // Passing a cancel on is one synchronous call: no step starts or ends inside it.
        | _, (StepStarts _ | StepEnds _) when s.Forwarding -> illegal s input
        // cancel(msg): refused once done; a pending, interruptible waiter is cancelled in its place (the
        // phase is kept, §3.4) and the task is Forwarding until the waiter answers; otherwise the request
        // waits in the task, the last message winning.
        | Done, CancelRequested _ -> struct (s, none)
        // A cancel that reaches a task while it is still passing one to its waiter came round a cycle of
        // tasks awaiting each other: nothing changes, and the shell raises (CPython's RecursionError).
        | _, CancelRequested _ when s.Forwarding -> struct (s, none)
        | Suspended(w, true), CancelRequested(msg, false) ->
            struct ({ s with
                        CancelRequests = s.CancelRequests + 1
                        Forwarding = true
                    },
                    cancelWaiter w msg)
        | _, CancelRequested(msg, _) ->
            struct ({ s with
                        CancelRequests = s.CancelRequests + 1
                        MustCancel = true
                        CancelMessage = msg
                    },
                    none)
        // uncancel(): one request fewer; at zero a request not yet delivered is withdrawn.
        | _, Uncancel when s.CancelRequests > 0 ->
            let n = s.CancelRequests - 1

            struct ({ s with
                        CancelRequests = n
                        MustCancel = s.MustCancel && n > 0
                    },
                    none)
        | _, Uncancel -> struct (s, none)
        // The waiter answered the cancel passed to it: a refusal leaves the request with the task; an
        // acceptance, or a cancel that raised on its way, only ends the forwarding.
        | Suspended _, WaiterAnswered(WaiterRefused, msg) when s.Forwarding ->
            struct ({ s with
                        Forwarding = false
                        MustCancel = true
                        CancelMessage = msg
                    },
                    none)
        | Suspended _, WaiterAnswered _ when s.Forwarding -> struct ({ s with Forwarding = false }, none)
        // A step starts. A pending cancel is delivered at an interruptible await (never into an
        // uninterruptible one); a task that never started ends without running a statement.
        | NotStarted, StepStarts Go when s.MustCancel -> struct (delivered Done, one (Finish(EndRaisedCancelled m)))
        | NotStarted, StepStarts Go -> struct ({ s with Phase = Running }, one CachedCommands.RunSend)
        | Scheduled, StepStarts(Go | Fault _) when s.MustCancel ->
            struct (delivered Running, one (RunCoroutine(ThrowCancelled m)))
        | Scheduled, StepStarts Go -> struct ({ s with Phase = Running }, one CachedCommands.RunSend)
        | Scheduled, StepStarts(Fault f) -> struct ({ s with Phase = Running }, one (RunCoroutine(ThrowFault f)))
        // A waiter that was cancelled raises its own CancelledError at the await: that delivers the cancel.
        | Suspended(_, true), StepStarts(WakeFrom WaiterCancelled) when s.MustCancel ->
            struct (delivered Running, one CachedCommands.RunSend)
        | Suspended(_, true), StepStarts(WakeFrom _) when s.MustCancel ->
            struct (delivered Running, one (RunCoroutine(ThrowCancelled m)))
        | Suspended _, StepStarts(WakeFrom _) -> struct ({ s with Phase = Running }, one CachedCommands.RunSend)
        // A step ends.
        | Running, StepEnds(Yielded, _) -> struct ({ s with Phase = Scheduled }, one CachedCommands.ScheduleGo)
        | Running, StepEnds(SuspendedOn OrdinaryWaiter, ValueSome w) when s.MustCancel ->
            // A cancel requested during the step: the new waiter is cancelled at once.
            struct ({ delivered (Suspended(w, true)) with
                        Forwarding = true
                    },
                    addWakeupAndCancel w m)
        | Running, StepEnds(SuspendedOn OrdinaryWaiter, ValueSome w) ->
            struct ({ s with Phase = Suspended(w, true) }, addWakeup w)
        | Running, StepEnds(SuspendedOn UninterruptibleWaiter, ValueSome w) ->
            struct ({ s with Phase = Suspended(w, false) }, addWakeup w)
        | Running, StepEnds(SuspendedOn ItselfAsWaiter, _) ->
            struct ({ s with Phase = Scheduled }, one (ScheduleStep(Fault AwaitedItself)))
        | Running, StepEnds(SuspendedOn OtherLoopWaiter, _) ->
            struct ({ s with Phase = Scheduled }, one (ScheduleStep(Fault WaiterOfOtherLoop)))
        | Running, StepEnds(Returned, _) when s.MustCancel -> struct (delivered Done, one (Finish(EndCancelled m)))
        | Running, StepEnds(Returned, _) -> struct ({ s with Phase = Done }, one CachedCommands.FinishReturned)
        | Running, StepEnds(RaisedCancelled msg, _) -> struct (delivered Done, one (Finish(EndRaisedCancelled msg)))
        | Running, StepEnds(Raised, _) -> struct (delivered Done, one CachedCommands.FinishRaised)
        | Running, StepEnds(SuspendedOn _, ValueNone) ->
            raise (IllegalTaskTransition("Running", "await without a waiter"))
        | _ -> illegal s input

    let isDone (s: TaskState<'W>) =
        match s.Phase with
        | Done -> true
        | _ -> false

    let isCancelling (s: TaskState<'W>) = not (isDone s) && s.CancelRequests > 0
