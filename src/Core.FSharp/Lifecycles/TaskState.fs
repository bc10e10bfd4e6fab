namespace Aio.Core

open System.Runtime.CompilerServices

/// Why a step is resumed with an error instead of normally (SEMANTICS §3.2, step 4).
type StepFault =
    /// The coroutine awaited its own task.
    | AwaitedItself
    /// The coroutine awaited a future bound to another loop.
    | WaiterOfOtherLoop

/// How the waiter a task was suspended on ended; its wakeup callback reports this.
type WaiterOutcome =
    | WaiterSucceeded
    /// Awaiting it raises an exception that is not a cancellation.
    | WaiterFailed
    /// Awaiting it raises a CancelledError (it was cancelled, or failed with one).
    | WaiterCancelled

/// The argument of a scheduled step: step(None), a wakeup from the waiter, or step(RuntimeError).
type StepInput =
    | Go
    | WakeFrom of WaiterOutcome
    | Fault of StepFault

/// How the shell must resume the coroutine. With `Send` the awaiter reads its own outcome
/// (a cancelled waiter raises its own CancelledException there, keeping its message).
type Resume =
    | Send
    | ThrowCancelled of message: string option
    | ThrowFault of StepFault

/// How the coroutine left a step.
type StepEnd =
    | Returned
    | RaisedCancelled of message: string option
    | Raised
    /// Suspended on a pending future. The shell says whether that future is the task itself or of
    /// another loop, because only it can compare identities.
    | SuspendedOn of waiterKind: WaiterKind
    /// A bare yield (sleep(0)).
    | Yielded

and WaiterKind =
    /// A pending loop future: cancelling the task cancels it.
    | OrdinaryWaiter
    /// A bridge to something outside the loop (a .NET Task): it cannot be
    /// interrupted, so a cancel request waits and is delivered at the coroutine's next await.
    | UninterruptibleWaiter
    /// The task awaited itself.
    | ItselfAsWaiter
    /// The future belongs to another loop.
    | OtherLoopWaiter

/// The terminal outcome a task hands to its future.
type TaskEnd =
    | EndReturned
    | EndRaised
    | EndCancelled of message: string option

/// Commands for the shell, in the order they must be carried out.
type TaskCommand =
    /// call_soon(step, input)
    | ScheduleStep of StepInput
    /// Run the coroutine now, resumed this way.
    | RunCoroutine of Resume
    /// Run the first step now, inside create_task, as the current task for its duration (an eager task,
    /// SEMANTICS §3.8); the task that called create_task is current again afterwards.
    | RunEagerly
    /// waiter.add_done_callback(wakeup), for the waiter of the phase the transition ends in. The
    /// waiter is named by the phase, not the command, so that this command is one shared value.
    | AddWakeup
    /// waiter.cancel(message), for the waiter of the phase. A plain future or task that is pending
    /// accepts; a waiter that declines (a gather whose children have all finished) is reported back
    /// as `WaiterRefusedCancel`.
    | CancelWaiter of message: string option
    /// Complete the task's future with this outcome (its done callbacks follow from FutureState).
    | Finish of TaskEnd

/// Where a task is in its life. 'W is the shell's reference to a waiter future. A struct, so that
/// suspending (the phase naming its waiter) allocates nothing.
[<Struct>]
type TaskPhase<'W> =
    /// Created; its first step is queued and no statement of the coroutine has run.
    | NotStarted
    /// A later step is queued (after a yield, or a bad await).
    | Scheduled
    /// Its coroutine is executing a step.
    | Running
    /// Parked on a waiter; the waiter's done callback (the wakeup) resumes it.
    | Suspended of waiter: 'W * interruptible: bool
    /// Terminal; the outcome lives in the task's FutureState.
    | Done

/// The task-specific part of a task (the future part is a FutureState beside it), as a struct so that a
/// transition allocates nothing. `MustCancel` is asyncio's pending cancel: a request not yet handed
/// to a waiter.
[<Struct>]
type TaskState<'W> =
    {
        Phase: TaskPhase<'W>
        CancelRequests: int
        MustCancel: bool
        CancelMessage: string option
    }

/// The commands of one transition, in order: at most two, held inline so that the hot path (a step
/// that yields, resumes or suspends) allocates nothing.
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

/// What `cancel()` answered.
type CancelAnswer =
    | CancelAccepted
    | CancelRefused

/// Every input of the task lifecycle, for the single transition function.
type TaskInput<'W> =
    /// A queued step (first step, after a yield, a wakeup, or a fault) starts.
    | StepStarts of StepInput
    /// The coroutine handed control back.
    | StepEnds of StepEnd * waiter: 'W voption
    /// cancel(msg); waiterDone says whether the current waiter (if any) is already done.
    | CancelRequested of message: string option * waiterDone: bool
    /// uncancel()
    | Uncancel
    /// The waiter answered false to `CancelWaiter`: the request stays with the task, as a pending
    /// cancel delivered when it next resumes (asyncio's must_cancel after a refused waiter.cancel()).
    | WaiterRefusedCancel of message: string option

/// A transition that the current phase does not allow: a shell bug, never user misuse.
exception IllegalTaskTransition of phase: string * input: string

// The commands the hot path uses, built once instead of once per step.
type private CachedCommands() =
    static member val ScheduleGo: TaskCommand = ScheduleStep Go
    static member val RunSend: TaskCommand = RunCoroutine Send
    static member val FinishReturned: TaskCommand = Finish EndReturned
    static member val FinishRaised: TaskCommand = Finish EndRaised
    static member val AddWakeup: TaskCommand = AddWakeup

/// The task lifecycle (SEMANTICS §3.2–§3.5) as one transition table. `transition` is the table; the
/// shell calls the named entry points (`startStep`, `endStep`, `cancel`, `uncancel`, …), which are
/// its rows, so that it need not allocate an input value per step.
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

    /// The wakeup input for a waiter's outcome (shared instances: a wakeup allocates nothing).
    let wakeFrom outcome =
        match outcome with
        | WaiterSucceeded -> wakeSucceeded
        | WaiterFailed -> wakeFailed
        | WaiterCancelled -> wakeCancelled

    let private suspendedOrdinary = SuspendedOn OrdinaryWaiter
    let private suspendedUninterruptible = SuspendedOn UninterruptibleWaiter
    let private suspendedItself = SuspendedOn ItselfAsWaiter
    let private suspendedOtherLoop = SuspendedOn OtherLoopWaiter

    /// The step ending "suspended on a waiter of this kind" (shared instances).
    let suspendedOn kind =
        match kind with
        | OrdinaryWaiter -> suspendedOrdinary
        | UninterruptibleWaiter -> suspendedUninterruptible
        | ItselfAsWaiter -> suspendedItself
        | OtherLoopWaiter -> suspendedOtherLoop

    /// create_task: the first step is scheduled at once (laziness is the coroutine's).
    let create () : struct (TaskState<'W> * Commands) =
        {
            Phase = NotStarted
            CancelRequests = 0
            MustCancel = false
            CancelMessage = None
        },
        one CachedCommands.ScheduleGo

    /// create_task with eager start on a running loop: the first step runs inside the call.
    let createEager () : struct (TaskState<'W> * Commands) =
        {
            Phase = Running
            CancelRequests = 0
            MustCancel = false
            CancelMessage = None
        },
        one RunEagerly

    /// The phase's name, as the lifecycle diagram and error messages show it.
    let phaseName (p: TaskPhase<'W>) =
        match p with
        | NotStarted -> "NotStarted"
        | Scheduled -> "Scheduled"
        | Running -> "Running"
        | Suspended(_, true) -> "Suspended"
        | Suspended(_, false) -> "SuspendedOnExternal"
        | Done -> "Done"

    /// The input's name, as the lifecycle diagram and error messages show it.
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

    /// A queued step starts (SEMANTICS §3.2 steps 1–3): a pending cancel replaces the incoming
    /// input, except an incoming cancellation, whose message is kept (the first message wins).
    /// Allowed: a first step (Go) from NotStarted; Go or a fault from Scheduled; a wakeup from Suspended.
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

    /// The coroutine handed control back (SEMANTICS §3.2 step 4). Allowed only while Running.
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

    /// cancel(msg) (SEMANTICS §3.4): a waiter that is not done is cancelled (and accepts); otherwise
    /// the request waits as a pending cancel. The answer is refused only once the task is done.
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

    /// uncancel(): reaching 0 withdraws a request not yet handed to a waiter (CPython 3.13).
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

    /// The waiter refused the cancel the task passed on: it stays with the task as a pending cancel.
    let waiterRefusedCancel (message: string option) (s: TaskState<'W>) : struct (TaskState<'W> * Commands) =
        match s.Phase with
        | Suspended _ ->
            struct ({ s with
                        MustCancel = true
                        CancelMessage = message
                    },
                    none)
        | _ -> illegal s (WaiterRefusedCancel message)

    /// The transition table: every (phase, input) pair the lifecycle allows, by its row.
    let transition (input: TaskInput<'W>) (s: TaskState<'W>) : struct (TaskState<'W> * Commands) =
        match input with
        | StepStarts i -> startStep i s
        | StepEnds(e, w) -> endStep e w s
        | CancelRequested(m, waiterDone) ->
            let struct (s', _, commands) = cancel m waiterDone s
            struct (s', commands)
        | Uncancel -> uncancel s
        | WaiterRefusedCancel m -> waiterRefusedCancel m s

    /// True once the task reached its terminal phase.
    let isDone (s: TaskState<'W>) =
        match s.Phase with
        | Done -> true
        | _ -> false

    /// repr's "cancelling": pending with at least one cancel request.
    let isCancelling (s: TaskState<'W>) = not (isDone s) && s.CancelRequests > 0
