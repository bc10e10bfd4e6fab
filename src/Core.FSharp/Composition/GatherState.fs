namespace Aio.Core

type ChildOutcome =
    | ChildSucceeded
    | ChildFailed
    | ChildCancelled

type GatherDecision =
    | WaitForMore
    | FailWithChildError
    | ConsumeLateError
    | Ignore
    | RaiseCancelled of message: string option
    | CompleteWithResults

[<Struct>]
type GatherState =
    {
        Distinct: int
        Finished: int
        ReturnExceptions: bool
        CancelRequested: bool
        CancelMessage: string option
    }

module GatherState =

    let childOutcome child =
        if FutureState.isCancelled child then ChildCancelled
        elif (FutureState.failure child).IsSome then ChildFailed
        else ChildSucceeded

    let start distinct returnExceptions =
        {
            Distinct = distinct
            Finished = 0
            ReturnExceptions = returnExceptions
            CancelRequested = false
            CancelMessage = None
        }

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
            | ChildCancelled when not s.ReturnExceptions -> struct (s, FailWithChildError)
            | _ when s.Finished < s.Distinct -> struct (s, WaitForMore)
            | _ when s.CancelRequested -> struct (s, RaiseCancelled s.CancelMessage)
            | _ -> struct (s, CompleteWithResults)

    let cancelRequested (anyAccepted: bool) (message: string option) (s: GatherState) =
        if anyAccepted then
            { s with
                CancelRequested = true
                CancelMessage = message
            }
        else
            s
