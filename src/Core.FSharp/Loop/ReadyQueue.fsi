namespace Aio.Core

/// The ready queue as the core keeps it. Entries are numbered consecutively as they are appended, so
/// the FIFO is the range [Head, Tail) of those numbers and needs no storage of its own: the shell keeps
/// each entry's payload under its number, and the core decides which number runs next. Appending and
/// popping are struct copies, with no allocation on the loop's hottest path.
[<Struct>]
type ReadyQueue = { Head: int64; Tail: int64 }

module ReadyQueue =

    /// No entries; numbering starts at 0.
    val empty: ReadyQueue

    /// Entries waiting.
    val count: q: ReadyQueue -> int

    /// Nothing waiting.
    val isEmpty: q: ReadyQueue -> bool

    /// Appends one entry; returns the queue and the entry's number.
    val enqueue: q: ReadyQueue -> struct (ReadyQueue * int64)

    /// Appends n entries; returns the queue and the first entry's number.
    val internal enqueueMany: n: int -> q: ReadyQueue -> struct (ReadyQueue * int64)
