namespace Aio.Core

[<Struct>]
type HandleLife =
    | Queued
    | Due
    | Ran
    | CancelledHandle

module HandleState =

    let cancel life =
        match life with
        | Queued -> struct (CancelledHandle, true)
        | Due
        | Ran
        | CancelledHandle -> struct (CancelledHandle, false)

    let fallDue life =
        match life with
        | Queued -> Due
        | _ -> life

    let run life =
        match life with
        | Queued
        | Due -> Ran
        | _ -> life

    let isCancelled life =
        match life with
        | CancelledHandle -> true
        | _ -> false

    let shouldRun life = not (isCancelled life)
