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

    /// Nothing has finished yet: wait in line as this reader until woken, then ask again.
    | WaitForCompletion of reader: int64

/// What the shell does when an input finishes or the timeout fires.
type AsCompletedCommand =

    /// Wake this reader: the longest-waiting one not withdrawn.
    | WakeReader of reader: int64

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

        /// Readers waiting to be woken, in line as asyncio.Queue's getters are: one whose await was
        /// cancelled is withdrawn at once, so a completion never wakes it and passes it over.
        Readers: WaiterQueue

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

    /// The future `reader` awaits was cancelled (its task was): no completion wakes it from now on.
    val readerWithdrawn: reader: int64 -> s: AsCompletedState -> AsCompletedState

    /// A reader's await ended in a cancellation: it leaves the line, and if it had been woken it passes
    /// the wake-up on while items remain (asyncio.Queue.get's cleanup).
    val readerLeft: reader: int64 -> woken: bool -> s: AsCompletedState -> AsCompletedState * AsCompletedCommand list
