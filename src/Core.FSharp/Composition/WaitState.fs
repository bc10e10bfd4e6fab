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
    let start (count: int) (condition: WaitCondition) =
        {
            Remaining = count
            Condition = condition
            Released = false
        }

    /// A watched future ended with this outcome.
    let childDone (outcome: ChildOutcome) (s: WaitState) : struct (WaitState * WaitRelease) =
        let remaining = s.Remaining - 1
        // asyncio's test, in its order: the count first, then the condition; only FIRST_EXCEPTION reads
        // the exception (of a child that was not cancelled).
        let allDone = remaining <= 0

        let retrieve =
            not allDone && s.Condition = UntilFirstException && outcome <> ChildCancelled

        let release =
            allDone
            || s.Condition = UntilFirstCompleted
            || (s.Condition = UntilFirstException && outcome = ChildFailed)

        struct ({ s with
                    Remaining = remaining
                    Released = s.Released || release
                },
                {
                    Release = release
                    RetrieveException = retrieve
                })

    /// The timeout fired: whatever is done now is the answer.
    let timedOut (s: WaitState) : struct (WaitState * WaitRelease) =
        struct ({ s with Released = true },
                {
                    Release = true
                    RetrieveException = false
                })
