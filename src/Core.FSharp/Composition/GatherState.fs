namespace Aio.Core

/// How one of gather's children ended.
type ChildOutcome =
    | ChildSucceeded
    | ChildFailed
    | ChildCancelled

/// What gather does when a child ends (SEMANTICS §6, without return_exceptions).
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
    /// Every child is done after gather.cancel(): the gather raises CancelledError with that message,
    /// even if the children swallowed the request.
    | RaiseCancelled of message: string option
    /// Every child succeeded: the gather's result is their results in argument order.
    | CompleteWithResults

/// gather's bookkeeping over its distinct children (a future passed twice is one child).
[<Struct>]
type GatherState =
    {
        Distinct: int
        Finished: int
        CancelRequested: bool
        CancelMessage: string option
    }

module GatherState =

    /// A gather over this many distinct children, none finished yet.
    let start distinct =
        {
            Distinct = distinct
            Finished = 0
            CancelRequested = false
            CancelMessage = None
        }

    /// A child ended; `outerDone` says whether the gather itself already finished.
    let childDone (outcome: ChildOutcome) (outerDone: bool) (s: GatherState) : struct (GatherState * GatherDecision) =
        let s = { s with Finished = s.Finished + 1 }

        if outerDone then
            struct (s,
                    (match outcome with
                     | ChildFailed -> ConsumeLateError
                     | _ -> Ignore))
        else
            match outcome with
            | ChildFailed
            | ChildCancelled -> struct (s, FailWithChildError)
            | ChildSucceeded when s.Finished < s.Distinct -> struct (s, WaitForMore)
            | ChildSucceeded when s.CancelRequested -> struct (s, RaiseCancelled s.CancelMessage)
            | ChildSucceeded -> struct (s, CompleteWithResults)

    /// gather.cancel(msg) passed the request to the children; if any accepted, the gather remembers it.
    let cancelRequested (anyAccepted: bool) (message: string option) (s: GatherState) =
        if anyAccepted then
            { s with
                CancelRequested = true
                CancelMessage = message
            }
        else
            s
