namespace Aio.Core

/// A handle's own life: queued until it runs or is cancelled; both are final (a task's step handle is
/// re-armed for its next step, which starts a new life).
type HandleLife =
    | Queued
    | Ran
    | CancelledHandle

module HandleState =

    /// Handle.cancel(): idempotent. True when the handle was still queued, so that a timer still
    /// waiting must also leave the timer queue (a ready entry is skipped when popped: see Scheduler.next).
    let cancel life =
        match life with
        | Queued -> struct (CancelledHandle, true)
        | _ -> struct (life, false)

    /// The loop is about to run it.
    let run life =
        match life with
        | Queued -> Ran
        | _ -> life

    let isCancelled life =
        match life with
        | CancelledHandle -> true
        | _ -> false
