namespace Aio.Core

/// Where a waiter of a primitive is: still waiting, woken (its future has a result, it has not run
/// yet), or withdrawn (its future was cancelled; it leaves the queue when its task resumes).
[<Struct>]
type WaiterStatus =
    | Waiting
    | Woken
    | Withdrawn

/// One waiter: the id the shell maps to its future, and its status.
[<Struct>]
type Waiter = { Id: int64; Status: WaiterStatus }

/// The waiters of one primitive, oldest first (SEMANTICS §13): the one queue every lock, semaphore,
/// condition and queue is built on. An empty queue is one shared value, so an uncontended primitive
/// allocates nothing for it.
[<Struct>]
type WaiterQueue =
    {
        /// Oldest first.
        Entries: Waiter list
        NextId: int64
    }

module WaiterQueue =

    /// No waiter.
    let empty: WaiterQueue = { Entries = []; NextId = 0L }

    /// A new waiter joins at the end; its id names it from now on.
    let add (q: WaiterQueue) : struct (WaiterQueue * int64) =
        let id = q.NextId

        struct ({
                    Entries = q.Entries @ [ { Id = id; Status = Waiting } ]
                    NextId = id + 1L
                },
                id)

    /// The waiter left the queue (its await ended, one way or the other).
    let remove (id: int64) (q: WaiterQueue) =
        if q.Entries.IsEmpty then
            q
        else
            { q with
                Entries = q.Entries |> List.filter (fun w -> w.Id <> id)
            }

    /// The waiter's future was cancelled: it stays in line, withdrawn, until its task resumes and leaves.
    let withdraw (id: int64) (q: WaiterQueue) =
        { q with
            Entries =
                q.Entries
                |> List.map (fun w ->
                    if w.Id = id && w.Status = Waiting then
                        { w with Status = Withdrawn }
                    else
                        w)
        }

    /// The waiter's status, if it is in the queue.
    let statusOf (id: int64) (q: WaiterQueue) =
        match q.Entries |> List.tryFind (fun w -> w.Id = id) with
        | Some w -> ValueSome w.Status
        | None -> ValueNone

    /// True when some waiter is not withdrawn (waiting, or woken and not yet run): a newcomer must queue
    /// behind it, never overtake it.
    let hasLive (q: WaiterQueue) =
        q.Entries |> List.exists (fun w -> w.Status <> Withdrawn)

    /// The number of waiters in the queue, withdrawn ones included.
    let count (q: WaiterQueue) = List.length q.Entries

    // Marks the waiter woken.
    let private mark (id: int64) (q: WaiterQueue) =
        { q with
            Entries =
                q.Entries
                |> List.map (fun w -> if w.Id = id then { w with Status = Woken } else w)
        }

    /// Wakes the head of the queue if it is still waiting (asyncio's Lock._wake_up_first: a head that is
    /// already woken, or withdrawn, wakes nobody; a withdrawn head passes it on when it leaves).
    let wakeHead (q: WaiterQueue) : struct (WaiterQueue * int64 voption) =
        match q.Entries with
        | { Status = Waiting; Id = id } :: _ -> struct (mark id q, ValueSome id)
        | _ -> struct (q, ValueNone)

    /// Wakes the first waiter still waiting, skipping woken and withdrawn ones (Semaphore._wake_up_next,
    /// Condition._notify).
    let wakeFirstWaiting (q: WaiterQueue) : struct (WaiterQueue * int64 voption) =
        match q.Entries |> List.tryFind (fun w -> w.Status = Waiting) with
        | Some w -> struct (mark w.Id q, ValueSome w.Id)
        | None -> struct (q, ValueNone)

    /// Pops waiters from the head until one still waiting is found, and wakes it; the popped ones leave
    /// the queue (asyncio.Queue._wakeup_next).
    let popWakeNext (q: WaiterQueue) : struct (WaiterQueue * int64 voption) =
        let rec go entries =
            match entries with
            | [] -> struct ({ q with Entries = [] }, ValueNone)
            | w :: rest when w.Status = Waiting -> struct ({ q with Entries = rest }, ValueSome w.Id)
            | _ :: rest -> go rest

        if q.Entries.IsEmpty then
            struct (q, ValueNone)
        else
            go q.Entries

    /// Pops every waiter and wakes those still waiting, in order (a queue's shutdown).
    let popWakeAll (q: WaiterQueue) : struct (WaiterQueue * int64 list) =
        struct ({ q with Entries = [] },
                q.Entries
                |> List.filter (fun w -> w.Status = Waiting)
                |> List.map (fun w -> w.Id))
