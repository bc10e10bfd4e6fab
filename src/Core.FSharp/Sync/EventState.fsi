namespace Aio.Core

/// asyncio.Event (SEMANTICS §13): a flag and the line of tasks waiting for it. set() wakes every waiter
/// still waiting, in waiting order; each leaves the line when it runs.
[<Struct>]
type EventState = { IsSet: bool; Waiters: WaiterQueue }

module EventState =

    /// An event that is not set.
    val create: unit -> EventState

    /// wait(): returns at once on a set event (ValueNone), else waits as the waiter named.
    val startWait: s: EventState -> struct (EventState * int64 voption)

    /// The waiter's future was cancelled.
    val withdraw: id: int64 -> s: EventState -> EventState

    /// The waiter's await ended, one way or the other.
    val waitEnded: id: int64 -> s: EventState -> EventState

    /// set(): nothing if already set; otherwise every waiter still waiting is woken, in order.
    val set: s: EventState -> EventState * int64 list

    /// clear(): later waits wait again.
    val clear: s: EventState -> EventState
