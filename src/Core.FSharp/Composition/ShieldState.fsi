namespace Aio.Core

/// What shield's outer future does when its inner ends (SEMANTICS §10).
type ShieldDecision =

    /// Copy the inner's result to the outer.
    | CopyResult

    /// Copy the inner's exception to the outer.
    | CopyException

    /// The inner was cancelled: cancel the outer.
    | CancelOuter

    /// The outer was cancelled first: only mark the inner's exception retrieved (nobody awaits it).
    | RetrieveInnerException

    /// The outer was cancelled first and the inner has nothing to report.
    | Nothing

/// shield(): the outer future mirrors the inner, but cancelling the outer never touches the inner.
[<CompilationRepresentation(enum<CompilationRepresentationFlags> (4))>]
module ShieldState =

    /// The inner ended with `outcome`; `outerCancelled` says whether the outer was cancelled meanwhile.
    val innerDone: outcome: ChildOutcome -> outerCancelled: bool -> ShieldDecision

    /// The outer ended; its link to the inner is removed unless the inner is done already.
    val unlinkOnOuterDone: innerDone: bool -> bool
