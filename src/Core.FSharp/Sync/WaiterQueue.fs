namespace Aio.Core

[<Struct>]
type WaiterStatus =
    | Waiting
    | Woken
    | Withdrawn

[<Struct>]
type Waiter = { Id: int64; Status: WaiterStatus }

[<Struct>]
type WaiterQueue = { Entries: Waiter list; NextId: int64 }

module WaiterQueue =

    let empty: WaiterQueue = { Entries = []; NextId = 0L }

    let add (q: WaiterQueue) : struct (WaiterQueue * int64) =
        let id = q.NextId

        struct ({
                    Entries = q.Entries @ [ { Id = id; Status = Waiting } ]
                    NextId = id + 1L
                },
                id)

    let remove (id: int64) (q: WaiterQueue) =
        if q.Entries.IsEmpty then
            q
        else
            { q with
                Entries = q.Entries |> List.filter (fun w -> w.Id <> id)
            }

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

    let statusOf (id: int64) (q: WaiterQueue) =
        match q.Entries |> List.tryFind (fun w -> w.Id = id) with
        | Some w -> ValueSome w.Status
        | None -> ValueNone

    let hasLive (q: WaiterQueue) =
        q.Entries |> List.exists (fun w -> w.Status <> Withdrawn)

    let count (q: WaiterQueue) = List.length q.Entries

    // Marks the waiter woken.
    let private mark (id: int64) (q: WaiterQueue) =
        { q with
            Entries =
                q.Entries
                |> List.map (fun w -> if w.Id = id then { w with Status = Woken } else w)
        }

    let wakeHead (q: WaiterQueue) : struct (WaiterQueue * int64 voption) =
        match q.Entries with
        | { Status = Waiting; Id = id } :: _ -> struct (mark id q, ValueSome id)
        | _ -> struct (q, ValueNone)

    let wakeFirstWaiting (q: WaiterQueue) : struct (WaiterQueue * int64 voption) =
        match q.Entries |> List.tryFind (fun w -> w.Status = Waiting) with
        | Some w -> struct (mark w.Id q, ValueSome w.Id)
        | None -> struct (q, ValueNone)

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

    let popWakeAll (q: WaiterQueue) : struct (WaiterQueue * int64 list) =
        struct ({ q with Entries = [] },
                q.Entries
                |> List.filter (fun w -> w.Status = Waiting)
                |> List.map (fun w -> w.Id))
