namespace Aio.Core

/// The ready queue as the core keeps it. Entries are numbered consecutively as they are appended, so
/// the FIFO is the range [Head, Tail) of those numbers and needs no storage of its own: the shell keeps
/// each entry's payload under its number, and the core decides which number runs next. Appending and
/// popping are struct copies, with no allocation on the loop's hottest path.
[<Struct>]
type ReadyQueue = { Head: int64; Tail: int64 }

module ReadyQueue =

    /// No entries; numbering starts at 0.
    let empty = { Head = 0L; Tail = 0L }

    /// Entries waiting.
    let count (q: ReadyQueue) = int (q.Tail - q.Head)

    /// Nothing waiting.
    let isEmpty (q: ReadyQueue) = q.Head = q.Tail

    /// Appends one entry; returns the queue and the entry's number.
    let enqueue (q: ReadyQueue) =
        struct ({ q with Tail = q.Tail + 1L }, q.Tail)

    /// Appends n entries; returns the queue and the first entry's number.
    let enqueueMany (n: int) (q: ReadyQueue) =
        struct ({ q with Tail = q.Tail + int64 n }, q.Tail)
