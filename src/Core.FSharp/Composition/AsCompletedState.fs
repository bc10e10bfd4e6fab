namespace Aio.Core

/// What as_completed hands its next reader: the index of a finished input, or the timeout's marker.
[<Struct>]
type AsCompletedItem =
    | CompletedInput of index: int
    | TimedOutMarker

/// What a reader does next.
[<Struct>]
type AsCompletedTake =
    /// Take this item.
    | Take of item: AsCompletedItem
    /// Nothing has finished yet: wait to be woken, then ask again.
    | WaitForCompletion

/// What the shell does when an input finishes or the timeout fires.
type AsCompletedCommand =
    /// Wake the longest-waiting reader.
    | WakeReader
    /// Cancel the timeout handle: every input finished.
    | CancelTimeoutHandle
    /// Remove the done callbacks of these inputs (the timeout came first).
    | Unwatch of indices: int list

/// as_completed()'s bookkeeping (SEMANTICS §12): completions queue up in the order they happen; the
/// timeout puts one marker per unfinished input, which its reader turns into TimeoutError.
type AsCompletedState =
    {
        /// Inputs not finished yet, by index.
        Todo: Set<int>
        /// Items not yet taken, oldest first.
        Queue: AsCompletedItem list
        /// Readers waiting to be woken.
        Readers: int
        /// Awaitables plain iteration may still hand out.
        Left: int
        HasTimeout: bool
    }

module AsCompletedState =

    /// as_completed over `count` distinct inputs.
    let start (count: int) (hasTimeout: bool) =
        {
            Todo = Set.ofSeq (seq { 0 .. count - 1 })
            Queue = []
            Readers = 0
            Left = count
            HasTimeout = hasTimeout && count > 0
        }

    // A queued item wakes one waiting reader, as asyncio.Queue's put_nowait does.
    let private put item (s: AsCompletedState) =
        let s = { s with Queue = s.Queue @ [ item ] }

        if s.Readers > 0 then
            { s with Readers = s.Readers - 1 }, [ WakeReader ]
        else
            s, []

    /// Input `index` finished. After the timeout nothing is watched any more.
    let completed (index: int) (s: AsCompletedState) : AsCompletedState * AsCompletedCommand list =
        if not (s.Todo.Contains index) then
            s, []
        else
            let s, commands = put (CompletedInput index) { s with Todo = s.Todo.Remove index }

            if s.Todo.IsEmpty && s.HasTimeout then
                s, commands @ [ CancelTimeoutHandle ]
            else
                s, commands

    /// The timeout fired: unwatch every unfinished input and queue one marker for each.
    let timedOut (s: AsCompletedState) : AsCompletedState * AsCompletedCommand list =
        let todo = Set.toList s.Todo

        let s, wakes =
            todo
            |> List.fold
                (fun (s, acc) _ ->
                    let s, c = put TimedOutMarker s
                    s, acc @ c)
                ({ s with Todo = Set.empty }, [])

        s, (if todo.IsEmpty then [] else [ Unwatch todo ]) @ wakes

    /// Iteration asks for one more awaitable: false once it handed out one per input.
    let next (s: AsCompletedState) : AsCompletedState * bool =
        if s.Left > 0 then
            { s with Left = s.Left - 1 }, true
        else
            s, false

    /// A reader wants the next item.
    let take (s: AsCompletedState) : AsCompletedState * AsCompletedTake =
        match s.Queue with
        | item :: rest -> { s with Queue = rest }, Take item
        | [] -> { s with Readers = s.Readers + 1 }, WaitForCompletion

    /// A waiting reader gave up (it was cancelled): it no longer takes a wake-up.
    let readerLeft (woken: bool) (s: AsCompletedState) : AsCompletedState * AsCompletedCommand list =
        if woken then
            // It was woken but will not take: pass the wake-up on if items remain.
            if not s.Queue.IsEmpty && s.Readers > 0 then
                { s with Readers = s.Readers - 1 }, [ WakeReader ]
            else
                s, []
        else
            { s with
                Readers = max 0 (s.Readers - 1)
            },
            []
