namespace Aio.Core

[<Struct>]
type AsCompletedItem =
    | CompletedInput of index: int
    | TimedOutMarker

[<Struct>]
type AsCompletedTake =
    | Take of item: AsCompletedItem
    | WaitForCompletion of reader: int64

type AsCompletedCommand =
    | WakeReader of reader: int64
    | CancelTimeoutHandle
    | Unwatch of indices: int list

type AsCompletedState =
    {
        Todo: Set<int>
        Queue: AsCompletedItem list
        Back: AsCompletedItem list
        Readers: WaiterQueue
        Left: int
        HasTimeout: bool
    }

module AsCompletedState =

    let start (count: int) (hasTimeout: bool) =
        {
            Todo = Set.ofSeq (seq { 0 .. count - 1 })
            Queue = []
            Back = []
            Readers = WaiterQueue.empty
            Left = count
            HasTimeout = hasTimeout && count > 0
        }

    // Pops readers until one still waiting, and wakes it (asyncio.Queue._wakeup_next).
    let private wakeNext (s: AsCompletedState) =
        let struct (readers, woken) = WaiterQueue.popWakeNext s.Readers

        { s with Readers = readers },
        (match woken with
         | ValueSome id -> [ WakeReader id ]
         | ValueNone -> [])

    // A queued item wakes one waiting reader, as asyncio.Queue's put_nowait does.
    let private put item (s: AsCompletedState) =
        wakeNext { s with Back = item :: s.Back }

    let completed (index: int) (s: AsCompletedState) : AsCompletedState * AsCompletedCommand list =
        if not (s.Todo.Contains index) then
            s, []
        else
            let s, commands = put (CompletedInput index) { s with Todo = s.Todo.Remove index }

            if s.Todo.IsEmpty && s.HasTimeout then
                s, commands @ [ CancelTimeoutHandle ]
            else
                s, commands

    let timedOut (s: AsCompletedState) : AsCompletedState * AsCompletedCommand list =
        let todo = Set.toList s.Todo

        let s, wakesNewestFirst =
            todo
            |> List.fold
                (fun (s, acc) _ ->
                    let s, c = put TimedOutMarker s
                    s, List.rev c @ acc)
                ({ s with Todo = Set.empty }, [])

        s, (if todo.IsEmpty then [] else [ Unwatch todo ]) @ List.rev wakesNewestFirst

    let next (s: AsCompletedState) : AsCompletedState * bool =
        if s.Left > 0 then
            { s with Left = s.Left - 1 }, true
        else
            s, false

    let take (s: AsCompletedState) : AsCompletedState * AsCompletedTake =
        match s.Queue, s.Back with
        | item :: rest, _ -> { s with Queue = rest }, Take item
        | [], [] ->
            let struct (readers, id) = WaiterQueue.add s.Readers
            { s with Readers = readers }, WaitForCompletion id
        | [], back ->
            let front = List.rev back

            { s with
                Queue = List.tail front
                Back = []
            },
            Take(List.head front)

    let readerWithdrawn (reader: int64) (s: AsCompletedState) =
        { s with
            Readers = WaiterQueue.withdraw reader s.Readers
        }

    let readerLeft (reader: int64) (woken: bool) (s: AsCompletedState) : AsCompletedState * AsCompletedCommand list =
        let s =
            { s with
                Readers = WaiterQueue.remove reader s.Readers
            }

        if woken && not (s.Queue.IsEmpty && s.Back.IsEmpty) then
            wakeNext s
        else
            s, []
