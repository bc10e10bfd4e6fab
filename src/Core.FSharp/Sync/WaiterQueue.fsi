namespace Aio.Core

/// Where a waiter of a primitive is: still waiting, woken (its future has a result, it has not run
/// yet), or withdrawn (its future was cancelled; it leaves the queue when its task resumes).
[<Struct>]
type WaiterStatus =
    | Waiting
    | Woken
    | Withdrawn

/// The waiters of one primitive, oldest first (SEMANTICS §13): the one queue every lock, semaphore,
/// condition and queue is built on. An empty queue is one shared value, so an uncontended primitive
/// allocates nothing for it.
///
/// Waiters are kept by id in a balanced tree, and ids only grow, so the tree's order is the queue's:
/// each operation is O(log n) and the counts O(1), plus a step for each woken or withdrawn waiter
/// passed over on the way to the first still waiting, as asyncio's walk of its deque does. (A list
/// appended at its end made every operation O(n): 16,000 tasks taking turns on one lock took 6 s.)
[<Struct>]
type WaiterQueue =
    private
        {
            Entries: Map<int64, WaiterStatus>
            NextId: int64
            Count: int
            Withdrawn: int
        }

module WaiterQueue =

    /// No waiter.
    val empty: WaiterQueue

    /// A new waiter joins at the end; its id names it from now on.
    val add: q: WaiterQueue -> struct (WaiterQueue * int64)

    /// The waiter left the queue (its await ended, one way or the other).
    val remove: id: int64 -> q: WaiterQueue -> WaiterQueue

    /// The waiter's future was cancelled: it stays in line, withdrawn, until its task resumes and leaves.
    val withdraw: id: int64 -> q: WaiterQueue -> WaiterQueue

    /// The waiter's status, if it is in the queue.
    val internal statusOf: id: int64 -> q: WaiterQueue -> WaiterStatus voption

    /// True when some waiter is not withdrawn (waiting, or woken and not yet run): a newcomer must queue
    /// behind it, never overtake it.
    val internal hasLive: q: WaiterQueue -> bool

    /// The number of waiters in the queue, withdrawn ones included.
    val count: q: WaiterQueue -> int

    /// Wakes the head of the queue if it is still waiting (asyncio's Lock._wake_up_first: a head that is
    /// already woken, or withdrawn, wakes nobody; a withdrawn head passes it on when it leaves).
    val internal wakeHead: q: WaiterQueue -> struct (WaiterQueue * int64 voption)

    /// Wakes the first waiter still waiting, skipping woken and withdrawn ones (Semaphore._wake_up_next,
    /// Condition._notify).
    val internal wakeFirstWaiting: q: WaiterQueue -> struct (WaiterQueue * int64 voption)

    /// Wakes the first n waiters still waiting, in order, in one pass (Event.set, Condition.notify).
    val internal wakeWaiting: n: int -> q: WaiterQueue -> struct (WaiterQueue * int64 list)

    /// Pops waiters from the head until one still waiting is found, and wakes it; the popped ones leave
    /// the queue (asyncio.Queue._wakeup_next).
    val popWakeNext: q: WaiterQueue -> struct (WaiterQueue * int64 voption)

    /// Pops every waiter and wakes those still waiting, in order (a queue's shutdown).
    val internal popWakeAll: q: WaiterQueue -> struct (WaiterQueue * int64 list)
