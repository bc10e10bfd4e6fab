namespace Aio.Core

/// Where a handle is, by its identity: a plain ready entry, or a timer (which becomes a ready entry
/// with the same sequence number when it falls due).
[<Struct>]
type HandleRef =
    | SoonRef of id: int64
    | TimerRef of key: TimerKey

    member r.Id =
        match r with
        | SoonRef id -> id
        | TimerRef k -> k.Seq

/// A handle's own life: queued until it runs or is cancelled; both are final.
type HandleLife =
    | Queued
    | Ran
    | CancelledHandle

module HandleState =

    /// Handle.cancel(): idempotent; only a queued handle must also leave the loop's queues.
    let cancel life =
        match life with
        | Queued -> struct (CancelledHandle, true)
        | _ -> struct (life, false)

    /// The loop is about to run it.
    let run life =
        match life with
        | Queued -> Ran
        | _ -> life

    let isCancelled life = (life = CancelledHandle)
