namespace Aio.Core

/// How one of gather's children ended, read by the shell without retrieving anything.
type ChildOutcome =
    | ChildSucceeded
    | ChildFailed
    | ChildCancelled

/// What gather does when a child ends (SEMANTICS §6).
type GatherDecision =

    /// Other children are still running.
    | WaitForMore

    /// Finish the gather with this child's exception (a CancelledError for a cancelled child) at once;
    /// the other children keep running.
    | FailWithChildError

    /// The gather already finished: this child's failure is consumed, never reported as unretrieved.
    | ConsumeLateError

    /// The gather already finished and this child has nothing to report.
    | Ignore

    /// Every child is done after gather.cancel(): the gather raises a CancelledError even if the
    /// children swallowed the request, and even with return_exceptions. It is the last child's (in
    /// argument order), as asyncio raises `_make_cancelled_error()` of the variable its results loop
    /// left on the last child: that child's cancellation, or for one that did not end cancelled a
    /// CancelledError with the message of a request it still holds (a task's request that found no
    /// waiter to cancel), usually none.
    | RaiseLastChildCancellation

    /// Every child is done: the gather's result is one entry per argument, in argument order. Without
    /// return_exceptions every child succeeded; with it, a failed child's entry is its exception and a
    /// cancelled child's a CancelledError.
    | CompleteWithResults

/// gather's bookkeeping over its distinct children (an argument passed twice is one child).
[<Struct>]
type GatherState =
    {
        Distinct: int
        Finished: int
        ReturnExceptions: bool
        CancelRequested: bool
    }

module GatherState =

    /// How a finished child counts for a combinator: by its state alone (a child that failed with a
    /// cancellation is a failure here, as CPython's gather sees it).
    val childOutcome: child: FutureState<'T, 'Cb> -> ChildOutcome

    /// A gather over this many distinct children, none finished yet.
    val start: distinct: int -> returnExceptions: bool -> GatherState

    /// A child ended; `outerDone` says whether the gather itself already finished.
    val childDone: outcome: ChildOutcome -> outerDone: bool -> s: GatherState -> struct (GatherState * GatherDecision)

    /// gather.cancel(msg) passed the request to the children; if any accepted, the gather remembers it.
    val cancelRequested: anyAccepted: bool -> s: GatherState -> GatherState
