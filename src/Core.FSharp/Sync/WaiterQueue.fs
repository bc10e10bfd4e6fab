namespace Aio.Core

[<Struct>]
type WaiterStatus =
    | Waiting
    | Woken
    | Withdrawn

[<Struct>]
type WaiterQueue =
    private
        {
            Entries: Map<int64, WaiterStatus>
            NextId: int64
            // Map.Count walks the tree; these are kept instead.
            Count: int
            Withdrawn: int
        }

module WaiterQueue =

    let empty: WaiterQueue =
        {
            Entries = Map.empty
            NextId = 0L
            Count = 0
            Withdrawn = 0
        }

    let add (q: WaiterQueue) : struct (WaiterQueue * int64) =
        let id = q.NextId

        struct ({ q with
                    Entries = Map.add id Waiting q.Entries
                    NextId = id + 1L
                    Count = q.Count + 1
                },
                id)

    let remove (id: int64) (q: WaiterQueue) =
        match Map.tryFind id q.Entries with
        | Some status ->
            { q with
                Entries = Map.remove id q.Entries
                Count = q.Count - 1
                Withdrawn = if status = Withdrawn then q.Withdrawn - 1 else q.Withdrawn
            }
        | None -> q

    let withdraw (id: int64) (q: WaiterQueue) =
        match Map.tryFind id q.Entries with
        | Some Waiting ->
            { q with
                Entries = Map.add id Withdrawn q.Entries
                Withdrawn = q.Withdrawn + 1
            }
        | _ -> q

    let statusOf (id: int64) (q: WaiterQueue) =
        match Map.tryFind id q.Entries with
        | Some status -> ValueSome status
        | None -> ValueNone

    let hasLive (q: WaiterQueue) = q.Count > q.Withdrawn

    let count (q: WaiterQueue) = q.Count

    let private mark (id: int64) (q: WaiterQueue) =
        { q with
            Entries = Map.add id Woken q.Entries
        }

    let wakeHead (q: WaiterQueue) : struct (WaiterQueue * int64 voption) =
        if q.Count = 0 then
            struct (q, ValueNone)
        else
            match Map.minKeyValue q.Entries with
            | id, Waiting -> struct (mark id q, ValueSome id)
            | _ -> struct (q, ValueNone)

    // The ids still waiting, oldest first, walked lazily: only the woken and withdrawn waiters ahead of
    // the ones taken are passed over, and those leave when their tasks run.
    let private waitingIds (q: WaiterQueue) =
        q.Entries
        |> Seq.choose (fun (KeyValue(id, status)) -> if status = Waiting then Some id else None)

    let wakeFirstWaiting (q: WaiterQueue) : struct (WaiterQueue * int64 voption) =
        if q.Count = q.Withdrawn then
            struct (q, ValueNone)
        else
            match Seq.tryHead (waitingIds q) with
            | Some id -> struct (mark id q, ValueSome id)
            | None -> struct (q, ValueNone)

    let wakeWaiting (n: int) (q: WaiterQueue) : struct (WaiterQueue * int64 list) =
        if n <= 0 || q.Count = q.Withdrawn then
            struct (q, [])
        else
            // One walk in order for all of them: waking them one by one would pass over the ones
            // already woken each time (Event.set with n waiters was O(n²)).
            let ids = waitingIds q |> Seq.truncate n |> List.ofSeq
            struct (ids |> List.fold (fun q id -> mark id q) q, ids)

    let popWakeNext (q: WaiterQueue) : struct (WaiterQueue * int64 voption) =
        let rec go (q: WaiterQueue) =
            if q.Count = 0 then
                struct (q, ValueNone)
            else
                let id, status = Map.minKeyValue q.Entries
                let rest = remove id q

                if status = Waiting then
                    struct (rest, ValueSome id)
                else
                    go rest

        go q

    let popWakeAll (q: WaiterQueue) : struct (WaiterQueue * int64 list) =
        struct ({ q with
                    Entries = Map.empty
                    Count = 0
                    Withdrawn = 0
                },
                List.ofSeq (waitingIds q))
