namespace Aio.Core

type WaitForPlan =
    | AwaitPlainly
    | ExpireAtOnce
    | AwaitUnderTimeout of delay: float

type WaitForExpiry =
    | ReturnItsOutcome
    | RaiseTimeoutError

module WaitForPlan =

    let forTimeout (timeout: float voption) =
        match timeout with
        | ValueNone -> AwaitPlainly
        | ValueSome t when t <= 0.0 -> ExpireAtOnce
        | ValueSome t -> AwaitUnderTimeout t

    let expiry (outcome: ChildOutcome) =
        match outcome with
        | ChildCancelled -> RaiseTimeoutError
        | _ -> ReturnItsOutcome
