namespace Aio.Core

[<Struct>]
type ShutdownStart =
    | CloseNow
    | CancelAndWait of leftovers: int

module RunShutdown =

    let start leftovers =
        if leftovers = 0 then CloseNow else CancelAndWait leftovers

    // A leftover that swallowed the cancel and returned is not reported either: only a failure is.
    let reports (outcomes: ChildOutcome array) =
        [|
            for i in 0 .. outcomes.Length - 1 do
                if outcomes.[i] = ChildFailed then
                    yield i
        |]
