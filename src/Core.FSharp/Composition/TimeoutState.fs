namespace Aio.Core

type TimeoutPhase =
    | TimeoutCreated
    | TimeoutActive
    | TimeoutExpiring
    | TimeoutExpired
    | TimeoutFinished

type BlockEnd =
    | BlockReturned
    | BlockCancelled
    | BlockRaised

type TimeoutCommand =
    | CancelTimeoutHandle
    | CallTimeoutSoon
    | CallTimeoutAt of ``when``: float
    | CancelTheTask
    | UncancelTheTask

type TimeoutExit =
    | ExitUnchanged
    | ExitRaiseTimeout

type TimeoutMisuse =
    | AlreadyEntered
    | NotInsideTask
    | NotEntered
    | CannotChangeState of phase: TimeoutPhase

[<Struct>]
type TimeoutState =
    {
        Phase: TimeoutPhase
        When: float voption
        Baseline: int
        HandlePending: bool
    }

module TimeoutState =

    let create (``when``: float voption) =
        {
            Phase = TimeoutCreated
            When = ``when``
            Baseline = 0
            HandlePending = false
        }

    let phaseWord phase =
        match phase with
        | TimeoutCreated -> "created"
        | TimeoutActive -> "active"
        | TimeoutExpiring -> "expiring"
        | TimeoutExpired -> "expired"
        | TimeoutFinished -> "finished"

    let misuseMessage misuse =
        match misuse with
        | AlreadyEntered -> "Timeout has already been entered"
        | NotInsideTask -> "Timeout should be used inside a task"
        | NotEntered -> "Timeout has not been entered"
        | CannotChangeState phase -> sprintf "Cannot change state of %s Timeout" (phaseWord phase)

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

    let fire (s: TimeoutState) : struct (TimeoutState * TimeoutCommand list) =
        match s.Phase with
        | TimeoutActive ->
            struct ({ s with
                        Phase = TimeoutExpiring
                        HandlePending = false
                    },
                    [ CancelTheTask ])
        | _ -> struct (s, [])

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
