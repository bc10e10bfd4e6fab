namespace Aio.Core

type ShieldDecision =
    | CopyResult
    | CopyException
    | CancelOuter
    | RetrieveInnerException
    | Nothing

[<CompilationRepresentation(CompilationRepresentationFlags.ModuleSuffix)>]
module ShieldState =

    let innerDone (outcome: ChildOutcome) (outerCancelled: bool) =
        match outerCancelled, outcome with
        | true, ChildFailed -> RetrieveInnerException
        | true, _ -> Nothing
        | false, ChildCancelled -> CancelOuter
        | false, ChildFailed -> CopyException
        | false, ChildSucceeded -> CopyResult

    let unlinkOnOuterDone (innerDone: bool) = not innerDone
