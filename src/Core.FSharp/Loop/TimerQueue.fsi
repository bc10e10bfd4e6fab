namespace Aio.Core

/// A timer's place in the queue: by deadline, then by registration sequence, which makes equal
/// deadlines run in registration order for any number of timers (SEMANTICS §1.3 [stricter]).
[<CustomEquality; CustomComparison; Struct>]
type TimerKey =
    {
        Deadline: float
        Seq: int64
    }

    interface System.IComparable
    interface System.IComparable<TimerKey>

    override Equals: o: (obj | null) -> bool

    override GetHashCode: unit -> int

/// A persistent min-queue of timers ordered by TimerKey, built for the loop's pattern: many timers
/// added in one iteration, popped in deadline order in batches.
///
/// New timers go to an unsorted list (adding is one list cell). When some of them are due, or a
/// cancel needs them placed, they are sorted into a run: an immutable sorted sequence held in chunks
/// of 2,048, so that no burst of timers allocates in the large-object heap. Runs are kept
/// at sizes that at least double from the newest to the oldest (two runs of similar size are
/// merged), so there are O(log n) of them and every timer is copied O(log n) times over its life.
/// Popping a batch moves each run's start past its due prefix; the chunks are shared, not copied.
///
/// Cancelling is lazy, as in asyncio: the key joins a set and the timer is dropped when it reaches
/// the head of its run, so no run starts with a cancelled timer and the earliest timer is always
/// live (SEMANTICS §1.2 step 1 holds by construction); when cancelled timers outnumber live ones,
/// the runs are rebuilt without them, so a storm of cancelled long timers does not pin memory.
[<Sealed>]
type TimerQueue<'T>

module TimerQueue =

    /// No timers.
    val empty<'T> : TimerQueue<'T>

    /// Live (not cancelled) timers.
    val count: q: TimerQueue<'T> -> int

    /// No live timer.
    val isEmpty: q: TimerQueue<'T> -> bool

    /// Adds a timer; keys are unique (their sequence numbers are).
    val add: key: TimerKey -> x: 'T -> q: TimerQueue<'T> -> TimerQueue<'T>

    /// Cancels a timer that is in the queue (the caller knows from the handle's life that it is).
    val remove: key: TimerKey -> q: TimerQueue<'T> -> TimerQueue<'T>

    /// The earliest live timer's key (no run starts with a cancelled timer, and Incoming holds none).
    val tryEarliest: q: TimerQueue<'T> -> TimerKey voption

    /// Removes every timer whose deadline is before `endTime`, returning them in (deadline, seq) order.
    val popDue: endTime: float -> q: TimerQueue<'T> -> struct ((TimerKey * 'T) list * TimerQueue<'T>)

    /// popDue without the keys: the payloads of the due timers, in firing order (the loop's hot path).
    val internal popDueItems: endTime: float -> q: TimerQueue<'T> -> struct ('T array * TimerQueue<'T>)

    /// Live timers in firing order.
    val internal toList: q: TimerQueue<'T> -> (TimerKey * 'T) list

    /// The representation's invariants: every run sorted and not empty, holding no more popped slots
    /// than live ones, no run starting with a cancelled timer, no cancelled timer waiting unsorted
    /// (and so the earliest timer is live), and the cancelled timers' count kept right.
    val isWellFormed: q: TimerQueue<'T> -> bool
