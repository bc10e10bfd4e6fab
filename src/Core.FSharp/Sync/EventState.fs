namespace Aio.Core

/// asyncio.Event (SEMANTICS §13): a flag and the line of tasks waiting for it. set() wakes every waiter
/// still waiting, in waiting order; each leaves the line when it runs.
[<Struct>]
type EventState = { IsSet: bool; Waiters: WaiterQueue }

module EventState =

    /// An event that is not set.
    let create () =
        {
            IsSet = false
            Waiters = WaiterQueue.empty
        }

    /// wait(): returns at once on a set event (ValueNone), else waits as the waiter named.
    let startWait (s: EventState) : struct (EventState * int64 voption) =
        if s.IsSet then
            struct (s, ValueNone)
        else
            let struct (q, id) = WaiterQueue.add s.Waiters
            struct ({ s with Waiters = q }, ValueSome id)

    /// The waiter's future was cancelled.
    let withdraw (id: int64) (s: EventState) =
        { s with
            Waiters = WaiterQueue.withdraw id s.Waiters
        }

    /// The waiter's await ended, one way or the other.
    let waitEnded (id: int64) (s: EventState) =
        { s with
            Waiters = WaiterQueue.remove id s.Waiters
        }

    /// set(): nothing if already set; otherwise every waiter still waiting is woken, in order.
    let set (s: EventState) : EventState * int64 list =
        if s.IsSet then
            s, []
        else
            let rec go (q: WaiterQueue) acc =
                match WaiterQueue.wakeFirstWaiting q with
                | struct (q, ValueSome id) -> go q (id :: acc)
                | struct (q, ValueNone) -> q, List.rev acc

            let q, woken = go s.Waiters []
            { IsSet = true; Waiters = q }, woken

    /// clear(): later waits wait again.
    let clear (s: EventState) = { s with IsSet = false }
