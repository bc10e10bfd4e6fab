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
    | RaiseLastChildCancellation
    | CompleteWithResults

[<Struct>]
type GatherState =
    {
        Distinct: int
        Finished: int
        ReturnExceptions: bool
        CancelRequested: bool
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
            | _ when s.CancelRequested -> struct (s, RaiseLastChildCancellation)
            | _ -> struct (s, CompleteWithResults)

    let cancelRequested (anyAccepted: bool) (s: GatherState) =
        if anyAccepted then { s with CancelRequested = true } else s
