namespace Aio.Core

/// A handle's own life: queued until it runs or is cancelled; both are final. (A task's step is not a
/// handle: nothing cancels it as an entry.) A struct: a handle holds it inline, and
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
    /// A handle that already ran is marked cancelled too, as asyncio's is (cancelled() then says so),
    /// and nothing else changes: it will not run again either way.
    val cancel: life: HandleLife -> struct (HandleLife * bool)

    /// A timer moved from the timer queue to the ready queue.
    val fallDue: life: HandleLife -> HandleLife

    /// The loop is about to run it.
    val run: life: HandleLife -> HandleLife

    /// cancelled(): true once cancel() was called, before or after the handle ran.
    val isCancelled: life: HandleLife -> bool

    /// Whether the loop runs the handle when its turn comes in the iteration: not if it was cancelled.
    val shouldRun: life: HandleLife -> bool
