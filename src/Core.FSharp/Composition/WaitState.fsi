namespace Aio.Core

/// When `wait` returns (asyncio's FIRST_COMPLETED, FIRST_EXCEPTION, ALL_COMPLETED).
type WaitCondition =
    | UntilFirstCompleted
    | UntilFirstException
    | UntilAllCompleted

/// What the shell does when a watched future ends or the timeout fires.
[<Struct>]
type WaitRelease =
    {

        /// Wake the waiting task (if not woken already) and cancel the timeout handle.
        Release: bool

        /// Read the child's exception, which marks it retrieved, as asyncio's FIRST_EXCEPTION test does.
        RetrieveException: bool
    }

/// wait()'s bookkeeping (SEMANTICS §7): how many watched futures are still to finish. It never raises
/// a child's exception and never cancels anything; it only says when the waiter is released.
[<Struct>]
type WaitState =
    {
        Remaining: int
        Condition: WaitCondition
        Released: bool
    }

module WaitState =

    /// A wait over this many distinct futures, done or not: every one gets a done callback.
    val start: count: int -> condition: WaitCondition -> WaitState

    /// A watched future ended with this outcome.
    val childDone: outcome: ChildOutcome -> s: WaitState -> struct (WaitState * WaitRelease)

    /// The timeout fired: whatever is done now is the answer.
    val timedOut: s: WaitState -> struct (WaitState * WaitRelease)
