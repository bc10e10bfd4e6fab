namespace Aio.Core

/// asyncio's Timeout states, with the words its repr shows.
type TimeoutPhase =
    /// Made, not entered yet: `[created]`.
    | TimeoutCreated
    /// Entered; the deadline may fire: `[active]`.
    | TimeoutActive
    /// The deadline fired and cancelled the task; the block has not exited yet: `[expiring]`.
    | TimeoutExpiring
    /// Exited after the deadline fired: `[expired]`.
    | TimeoutExpired
    /// Exited before the deadline: `[finished]`.
    | TimeoutFinished

/// How the block inside the timeout ended.
type BlockEnd =
    | BlockReturned
    | BlockCancelled
    | BlockRaised

/// What the shell does for a timeout, in order, with every operand.
type TimeoutCommand =
    /// Cancel the handle of the timeout callback that is pending.
    | CancelTimeoutHandle
    /// call_soon(on_timeout): the deadline has already passed.
    | CallTimeoutSoon
    /// call_at(when, on_timeout).
    | CallTimeoutAt of ``when``: float
    /// task.cancel() with no message.
    | CancelTheTask
    /// task.uncancel().
    | UncancelTheTask

/// How the block's exit ends (SEMANTICS §9, "Exit").
type TimeoutExit =
    /// Let the block's own outcome go on unchanged (its result, or its exception).
    | ExitUnchanged
    /// Raise TimeoutError, caused by the block's CancelledError.
    | ExitRaiseTimeout

/// A misuse the shell reports as RuntimeError (InvalidOperationException), with asyncio's text.
type TimeoutMisuse =
    | AlreadyEntered
    | NotInsideTask
    | NotEntered
    | CannotChangeState of phase: TimeoutPhase

/// One Timeout's state (asyncio.timeouts.Timeout): the phase, the deadline, the cancel count of the task
/// when it was entered (the baseline that tells our cancellation from someone else's), and whether a
/// timeout callback is pending.
[<Struct>]
type TimeoutState =
    {
        Phase: TimeoutPhase
        When: float voption
        Baseline: int
        HandlePending: bool
    }

module TimeoutState =

    /// A timeout for this deadline (ValueNone: never), not entered.
    let create (``when``: float voption) =
        {
            Phase = TimeoutCreated
            When = ``when``
            Baseline = 0
            HandlePending = false
        }

    /// The word repr shows for a phase.
    let phaseWord phase =
        match phase with
        | TimeoutCreated -> "created"
        | TimeoutActive -> "active"
        | TimeoutExpiring -> "expiring"
        | TimeoutExpired -> "expired"
        | TimeoutFinished -> "finished"

    /// asyncio's message for a misuse.
    let misuseMessage misuse =
        match misuse with
        | AlreadyEntered -> "Timeout has already been entered"
        | NotInsideTask -> "Timeout should be used inside a task"
        | NotEntered -> "Timeout has not been entered"
        | CannotChangeState phase -> sprintf "Cannot change state of %s Timeout" (phaseWord phase)

    /// expired(): the deadline fired (whether or not the block has exited).
    let expired (s: TimeoutState) =
        match s.Phase with
        | TimeoutExpiring
        | TimeoutExpired -> true
        | _ -> false

    // Arming for a deadline: none, at once (already passed), or at the deadline.
    let private arm (``when``: float voption) (now: float) =
        match ``when`` with
        | ValueNone -> []
        | ValueSome w when w <= now -> [ CallTimeoutSoon ]
        | ValueSome w -> [ CallTimeoutAt w ]

    /// reschedule(when) at clock reading `now`: only while active; the pending callback is cancelled,
    /// then the new deadline armed (none disables the timeout).
    let reschedule
        (``when``: float voption)
        (now: float)
        (s: TimeoutState)
        : Result<TimeoutState * TimeoutCommand list, TimeoutMisuse> =
        match s.Phase with
        | TimeoutCreated -> Error NotEntered
        | TimeoutActive ->
            let disarm = if s.HandlePending then [ CancelTimeoutHandle ] else []
            let armed = arm ``when`` now

            Ok(
                { s with
                    When = ``when``
                    HandlePending = not armed.IsEmpty
                },
                disarm @ armed
            )
        | phase -> Error(CannotChangeState phase)

    /// Entering the block: `taskCancelling` is the current task's cancelling() (ValueNone: no task).
    let enter
        (taskCancelling: int voption)
        (now: float)
        (s: TimeoutState)
        : Result<TimeoutState * TimeoutCommand list, TimeoutMisuse> =
        match s.Phase, taskCancelling with
        | TimeoutCreated, ValueSome baseline ->
            reschedule
                s.When
                now
                { s with
                    Phase = TimeoutActive
                    Baseline = baseline
                }
        | TimeoutCreated, ValueNone -> Error NotInsideTask
        | _ -> Error AlreadyEntered

    /// The timeout callback ran: cancel the task (the block sees CancelledError at its await).
    let fire (s: TimeoutState) : struct (TimeoutState * TimeoutCommand list) =
        match s.Phase with
        | TimeoutActive ->
            struct ({ s with
                        Phase = TimeoutExpiring
                        HandlePending = false
                    },
                    [ CancelTheTask ])
        | _ -> struct (s, [])

    /// The block ended this way; `taskCancelling` is the task's cancelling() now. A timeout that fired
    /// takes its own cancel request back; the CancelledError becomes TimeoutError only if no other
    /// request is left above the baseline (nobody else cancelled the task meanwhile).
    let exit
        (blockEnd: BlockEnd)
        (taskCancelling: int)
        (s: TimeoutState)
        : struct (TimeoutState * TimeoutCommand list * TimeoutExit) =
        let disarm = if s.HandlePending then [ CancelTimeoutHandle ] else []

        match s.Phase with
        | TimeoutExpiring ->
            // uncancel() answers the count after its decrement, never below zero.
            let remaining = max 0 (taskCancelling - 1)

            let outcome =
                if remaining <= s.Baseline && blockEnd = BlockCancelled then
                    ExitRaiseTimeout
                else
                    ExitUnchanged

            struct ({ s with
                        Phase = TimeoutExpired
                        HandlePending = false
                    },
                    disarm @ [ UncancelTheTask ],
                    outcome)
        | TimeoutActive ->
            struct ({ s with
                        Phase = TimeoutFinished
                        HandlePending = false
                    },
                    disarm,
                    ExitUnchanged)
        | _ -> struct (s, [], ExitUnchanged)
