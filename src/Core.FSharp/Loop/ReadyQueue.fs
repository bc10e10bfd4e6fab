namespace Aio.Core

[<Struct>]
type ReadyQueue = { Head: int64; Tail: int64 }

module ReadyQueue =

    let empty = { Head = 0L; Tail = 0L }

    let count (q: ReadyQueue) = int (q.Tail - q.Head)

    let isEmpty (q: ReadyQueue) = q.Head = q.Tail

    let enqueue (q: ReadyQueue) =
        struct ({ q with Tail = q.Tail + 1L }, q.Tail)

    let enqueueMany (n: int) (q: ReadyQueue) =
        struct ({ q with Tail = q.Tail + int64 n }, q.Tail)
