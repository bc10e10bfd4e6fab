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
    val create: ``when``: float voption -> TimeoutState

    /// The word repr shows for a phase.
    val phaseWord: phase: TimeoutPhase -> string

    /// asyncio's message for a misuse.
    val misuseMessage: misuse: TimeoutMisuse -> string

    /// expired(): the deadline fired (whether or not the block has exited).
    val expired: s: TimeoutState -> bool

    /// reschedule(when) at clock reading `now`: only while active; the pending callback is cancelled,
    /// then the new deadline armed (none disables the timeout).
    val reschedule:
        ``when``: float voption ->
        now: float ->
        s: TimeoutState ->
            Result<(TimeoutState * TimeoutCommand list), TimeoutMisuse>

    /// Entering the block: `taskCancelling` is the current task's cancelling() (ValueNone: no task).
    val enter:
        taskCancelling: int voption ->
        now: float ->
        s: TimeoutState ->
            Result<(TimeoutState * TimeoutCommand list), TimeoutMisuse>

    /// The timeout callback ran: cancel the task (the block sees CancelledError at its await).
    val fire: s: TimeoutState -> struct (TimeoutState * TimeoutCommand list)

    /// The block ended this way; `taskCancelling` is the task's cancelling() now. A timeout that fired
    /// takes its own cancel request back; the CancelledError becomes TimeoutError only if no other
    /// request is left above the baseline (nobody else cancelled the task meanwhile).
    val exit:
        blockEnd: BlockEnd ->
        taskCancelling: int ->
        s: TimeoutState ->
            struct (TimeoutState * TimeoutCommand list * TimeoutExit)
