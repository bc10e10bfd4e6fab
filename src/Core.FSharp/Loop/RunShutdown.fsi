namespace Aio.Core

/// `asyncio.run()`'s shutdown (SEMANTICS §1.5): after the main coroutine ends, every task still
/// pending is cancelled, in creation order, and the loop runs until each of them is done; then each
/// that ended with an exception other than a cancellation is reported to the exception handler
/// ("unhandled exception during asyncio.run() shutdown"), in the same order. It is the first step of
/// a Runner's close (RunnerState.close).
[<Struct>]
type ShutdownStart =
    /// No task was left: the step is done.
    | CloseNow
    /// Cancel these many leftovers (all of them, in creation order), run until all are done, then ask
    /// `reports`.
    | CancelAndWait of leftovers: int

module RunShutdown =

    /// The first decision, from the number of tasks still pending.
    val start: leftovers: int -> ShutdownStart

    /// Once every leftover is done, from their outcomes in creation order: the indices to report.
    val reports: outcomes: ChildOutcome array -> int array
