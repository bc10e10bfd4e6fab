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

        /// Items queued after those in Queue, newest first: putting is one list cell, and the reader
        /// who empties Queue turns Back around (a list appended at its end made a burst quadratic).
        Back: AsCompletedItem list

        /// Readers waiting to be woken.
        Readers: int

        /// Awaitables plain iteration may still hand out.
        Left: int
        HasTimeout: bool
    }

module AsCompletedState =

    /// as_completed over `count` distinct inputs.
    val start: count: int -> hasTimeout: bool -> AsCompletedState

    /// Input `index` finished. After the timeout nothing is watched any more.
    val completed: index: int -> s: AsCompletedState -> AsCompletedState * AsCompletedCommand list

    /// The timeout fired: unwatch every unfinished input and queue one marker for each.
    val timedOut: s: AsCompletedState -> AsCompletedState * AsCompletedCommand list

    /// Iteration asks for one more awaitable: false once it handed out one per input.
    val next: s: AsCompletedState -> AsCompletedState * bool

    /// A reader wants the next item.
    val take: s: AsCompletedState -> AsCompletedState * AsCompletedTake

    /// A waiting reader gave up (it was cancelled): it no longer takes a wake-up.
    val readerLeft: woken: bool -> s: AsCompletedState -> AsCompletedState * AsCompletedCommand list
