namespace Aio.Core

/// A handle's own life: queued until it runs or is cancelled; both are final (a task's step handle is
/// re-armed for its next step, which starts a new life). A struct: a handle holds it inline, and
/// changing it is a plain integer store.
[<Struct>]
type HandleLife =
    /// Waiting: in the ready queue, or (a timer) in the timer queue.
    | Queued
    /// A timer that fell due and moved to the ready queue.
    | Due
    | Ran
    | CancelledHandle

module HandleState =

    /// Handle.cancel(): idempotent. True when a timer is still in the timer queue and must leave it
    /// (a ready entry, or a timer that fell due, is skipped when its turn comes: see HandleState.shouldRun).
    let cancel life =
        match life with
        | Queued -> struct (CancelledHandle, true)
        | Due -> struct (CancelledHandle, false)
        | _ -> struct (life, false)

    /// A task's step handle starts a new life for its next step (a task never has two steps queued).
    let rearm (_: HandleLife) = Queued

    /// A timer moved from the timer queue to the ready queue.
    let fallDue life =
        match life with
        | Queued -> Due
        | _ -> life

    /// The loop is about to run it.
    let run life =
        match life with
        | Queued
        | Due -> Ran
        | _ -> life

    /// cancelled(): true once cancel() came before the handle ran.
    let isCancelled life =
        match life with
        | CancelledHandle -> true
        | _ -> false

    /// Whether the loop runs the handle when its turn comes in the iteration: not if it was cancelled.
    let shouldRun life = not (isCancelled life)
