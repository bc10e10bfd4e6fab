namespace Aio.Core

/// A persistent FIFO queue (front list + reversed back list): O(1) enqueue, amortised O(1) dequeue,
/// and a count, which the iteration snapshot of SEMANTICS §1.2 needs.
type ReadyQueue<'T> =
    private
        {
            Front: 'T list
            Back: 'T list
            Size: int
        }

module ReadyQueue =

    let empty<'T> : ReadyQueue<'T> = { Front = []; Back = []; Size = 0 }

    let count (q: ReadyQueue<'T>) = q.Size

    let isEmpty (q: ReadyQueue<'T>) = q.Size = 0

    let enqueue x (q: ReadyQueue<'T>) =
        { q with
            Back = x :: q.Back
            Size = q.Size + 1
        }

    let tryDequeue (q: ReadyQueue<'T>) : struct ('T voption * ReadyQueue<'T>) =
        match q.Front with
        | x :: rest ->
            struct (ValueSome x,
                    { q with
                        Front = rest
                        Size = q.Size - 1
                    })
        | [] ->
            match List.rev q.Back with
            | x :: rest ->
                struct (ValueSome x,
                        {
                            Front = rest
                            Back = []
                            Size = q.Size - 1
                        })
            | [] -> struct (ValueNone, q)

    /// Items front to back.
    let toList (q: ReadyQueue<'T>) = q.Front @ List.rev q.Back
