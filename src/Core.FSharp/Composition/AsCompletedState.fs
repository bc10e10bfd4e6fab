namespace Aio.Core

[<Struct>]
type AsCompletedItem =
    | CompletedInput of index: int
    | TimedOutMarker

[<Struct>]
type AsCompletedTake =
    | Take of item: AsCompletedItem
    | WaitForCompletion

type AsCompletedCommand =
    | WakeReader
    | CancelTimeoutHandle
    | Unwatch of indices: int list

type AsCompletedState =
    {
        Todo: Set<int>
        Queue: AsCompletedItem list
        Back: AsCompletedItem list
        Readers: int
        Left: int
        HasTimeout: bool
    }

module AsCompletedState =

    let start (count: int) (hasTimeout: bool) =
        {
            Todo = Set.ofSeq (seq { 0 .. count - 1 })
            Queue = []
            Back = []
            Readers = 0
            Left = count
            HasTimeout = hasTimeout && count > 0
        }

    // A queued item wakes one waiting reader, as asyncio.Queue's put_nowait does.
    let private put item (s: AsCompletedState) =
        let s = { s with Back = item :: s.Back }

        if s.Readers > 0 then
            { s with Readers = s.Readers - 1 }, [ WakeReader ]
        else
            s, []

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
        | [], [] -> { s with Readers = s.Readers + 1 }, WaitForCompletion
        | [], back ->
            let front = List.rev back

            { s with
                Queue = List.tail front
                Back = []
            },
            Take(List.head front)

    let readerLeft (woken: bool) (s: AsCompletedState) : AsCompletedState * AsCompletedCommand list =
        if woken then
            // It was woken but will not take: pass the wake-up on if items remain.
            if not (s.Queue.IsEmpty && s.Back.IsEmpty) && s.Readers > 0 then
                { s with Readers = s.Readers - 1 }, [ WakeReader ]
            else
                s, []
        else
            { s with
                Readers = max 0 (s.Readers - 1)
            },
            []
