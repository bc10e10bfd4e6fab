namespace Aio.Core

open System

[<Struct; CustomEquality; CustomComparison>]
type TimerKey =
    {
        Deadline: float
        Seq: int64
    }

    override k.Equals(o) =
        match o with
        | :? TimerKey as t -> k.Deadline = t.Deadline && k.Seq = t.Seq
        | _ -> false

    override k.GetHashCode() = HashCode.Combine(k.Deadline, k.Seq)

    interface IComparable<TimerKey> with
        member k.CompareTo t =
            let c = k.Deadline.CompareTo t.Deadline
            if c <> 0 then c else k.Seq.CompareTo t.Seq

    interface IComparable with
        member k.CompareTo o =
            match o with
            | :? TimerKey as t -> (k :> IComparable<TimerKey>).CompareTo t
            | _ -> invalidArg "o" "a TimerKey compares only with a TimerKey"

// One timer in a run: the key and the shell's payload side by side, so a run is one kind of array.
[<Struct>]
type private TimerEntry<'T> = { Key: TimerKey; Item: 'T }

// Runs are held in chunks small enough to stay out of the large-object heap: a burst of 100,000 timers
// sorted into flat arrays allocated megabytes there, and every few megabytes of large objects set off a
// full collection, whose pause (100-250 ms with 100,000 tasks alive) was a third of that burst's time.
// 2,048 entries of a reference payload are 48 KB, under the heap's 85,000-byte threshold.
module private Chunk =
    [<Literal>]
    let Bits = 11

    [<Literal>]
    let Size = 2048

    [<Literal>]
    let Mask = 2047

// A sorted sequence of timers, entry i at Chunks[i / Size][i % Size] (every chunk full but the last),
// of which the first Start have been popped. Chunks are never written once built: popping moves Start
// in a new Run value and shares them. A Run with Length short of its chunks' end is a due prefix, made
// and read inside one pop and never kept.
[<Struct>]
type private Run<'T> =
    {
        Chunks: TimerEntry<'T>[][]
        Start: int
        Length: int
    }

    member r.Count = r.Length - r.Start

    member r.Item(i: int) =
        r.Chunks[i >>> Chunk.Bits][i &&& Chunk.Mask]

// A class, not a struct, though adding a timer then allocates a new queue object: as a struct (tried)
// it widened every iteration's Scheduler.next result by its six fields, and an iteration of a busy loop
// (W2, W4) cost 85 ns more, far more than the allocation it saved a timer.
type TimerQueue<'T> =
    private
        {
            // Not yet sorted, newest first; never holds a cancelled timer (cancelling sorts them first).
            Incoming: TimerEntry<'T> list
            // The earliest key in Incoming (meaningless while it is empty).
            IncomingMin: TimerKey
            // Newest (smallest) first; none is empty and none starts with a cancelled timer.
            Runs: Run<'T> list
            Live: int
            Cancelled: Set<int64>
            // Cancelled's size, kept apart because a Set counts by walking its tree: asked at every
            // cancel, that made cancelling out of firing order quadratic (200,000 timers took 86 s).
            // (Incoming's length is not kept: nothing but a sort needs it, and the sort walks the list.)
            CancelledCount: int
        }

module TimerQueue =

    let inline private before (a: TimerKey) (b: TimerKey) =
        a.Deadline < b.Deadline || (a.Deadline = b.Deadline && a.Seq < b.Seq)

    // A bottom-up merge sort by key of one array, using a scratch array of the same length. It takes
    // both over and returns the sorted one, which may be either.
    // Ours rather than Array.Sort with an IComparer: keys compare field by field, inline, with no
    // interface call per comparison.
    let private sortInto (items: TimerEntry<'T>[]) (scratch: TimerEntry<'T>[]) : TimerEntry<'T>[] =
        let n = items.Length
        let mutable src = items
        let mutable dst = scratch
        let mutable width = 1

        while width < n do
            let mutable lo = 0

            while lo < n do
                let mid = min (lo + width) n
                let hi = min (lo + 2 * width) n
                let mutable i = lo
                let mutable j = mid

                for k in lo .. hi - 1 do
                    if j >= hi || (i < mid && not (before src[j].Key src[i].Key)) then
                        dst[k] <- src[i]
                        i <- i + 1
                    else
                        dst[k] <- src[j]
                        j <- j + 1

                lo <- hi

            let t = src
            src <- dst
            dst <- t
            width <- width * 2

        src

    let empty<'T> : TimerQueue<'T> =
        {
            Incoming = []
            IncomingMin = Unchecked.defaultof<_>
            Runs = []
            Live = 0
            Cancelled = Set.empty
            CancelledCount = 0
        }

    let count (q: TimerQueue<'T>) = q.Live

    let isEmpty (q: TimerQueue<'T>) = q.Live = 0

    // Room for n entries: full chunks, then the remainder.
    let private newChunks<'T> (n: int) : TimerEntry<'T>[][] =
        let full = n >>> Chunk.Bits
        let rest = n &&& Chunk.Mask

        Array.init (if rest = 0 then full else full + 1) (fun c ->
            Array.zeroCreate (if c < full then Chunk.Size else rest))

    // Merges two sorted runs (or due prefixes) into one new run, filled a chunk at a time.
    let private mergeRuns (a: Run<'T>) (b: Run<'T>) : Run<'T> =
        let n = a.Count + b.Count
        let chunks = newChunks n
        let mutable i = a.Start
        let mutable j = b.Start

        for chunk in chunks do
            for k in 0 .. chunk.Length - 1 do
                if j >= b.Length || (i < a.Length && before a[i].Key b[j].Key) then
                    chunk[k] <- a[i]
                    i <- i + 1
                else
                    chunk[k] <- b[j]
                    j <- j + 1

        {
            Chunks = chunks
            Start = 0
            Length = n
        }

    // Merges neighbours pairwise until one run is left: each timer is copied log2(runs) times.
    let rec private mergeAll (runs: Run<'T> list) : Run<'T> =
        let rec pairs runs =
            match runs with
            | a :: b :: rest -> mergeRuns a b :: pairs rest
            | rest -> rest

        match runs with
        | [ r ] -> r
        | _ -> mergeAll (pairs runs)

    // Sorts n entries laid out as newChunks lays them out: each chunk on its own, then merge passes
    // across chunks, back and forth between the chunks and one scratch set, so that a burst costs two
    // copies of itself however many chunks it spans. Takes the chunks over and returns the sorted ones.
    let private sortedChunks (chunks: TimerEntry<'T>[][]) (n: int) : TimerEntry<'T>[][] =
        // A chunk is never empty, so the empty array matches none.
        let mutable spare: TimerEntry<'T>[] = [||]

        for c in 0 .. chunks.Length - 1 do
            let chunk = chunks[c]

            let scratch =
                if spare.Length = chunk.Length then
                    spare
                else
                    Array.zeroCreate chunk.Length

            let sorted = sortInto chunk scratch
            chunks[c] <- sorted

            spare <-
                if obj.ReferenceEquals(sorted, chunk) then
                    scratch
                else
                    chunk

        let mutable src = chunks
        let mutable dst = if n > Chunk.Size then newChunks n else chunks
        let mutable width = Chunk.Size

        while width < n do
            let mutable lo = 0

            while lo < n do
                let mid = min (lo + width) n
                let hi = min (lo + 2 * width) n
                let mutable i = lo
                let mutable j = mid

                for k in lo .. hi - 1 do
                    let a = src[i >>> Chunk.Bits]
                    let b = src[j >>> Chunk.Bits]

                    dst[k >>> Chunk.Bits][k &&& Chunk.Mask] <-
                        if j >= hi || (i < mid && before a[i &&& Chunk.Mask].Key b[j &&& Chunk.Mask].Key) then
                            i <- i + 1
                            a[(i - 1) &&& Chunk.Mask]
                        else
                            j <- j + 1
                            b[(j - 1) &&& Chunk.Mask]

                lo <- hi

            let t = src
            src <- dst
            dst <- t
            width <- width * 2

        src

    // A deadline's bits as an unsigned number in the same order as the deadlines themselves: negative
    // numbers have every bit flipped, the others only the sign bit. (-0.0 is first made 0.0, which
    // compares equal to it.)
    let inline private sortableBits (deadline: float) =
        let bits = uint64 (BitConverter.DoubleToInt64Bits(deadline + 0.0))

        if bits >>> 63 = 1UL then
            ~~~bits
        else
            bits ||| 0x8000000000000000UL

    // A stable least-significant-digit radix sort by deadline, a byte at a time, of n entries laid out
    // as newChunks lays them out and already in sequence order, so that equal deadlines keep it. A byte
    // that every deadline shares (most of them, for a burst of timers minutes apart at most) costs no
    // pass. Takes the chunks over and returns the sorted ones. Against the merge sort, for a burst of
    // 100,000 timers: 5 passes instead of 17, and a fourth of the time.
    let private radixSortedChunks (chunks: TimerEntry<'T>[][]) (n: int) : TimerEntry<'T>[][] =
        let counts = Array.zeroCreate<int> (8 * 256)

        for chunk in chunks do
            for e in chunk do
                let bits = sortableBits e.Key.Deadline

                for d in 0..7 do
                    let at = (d <<< 8) + int ((bits >>> (d <<< 3)) &&& 0xFFUL)
                    counts[at] <- counts[at] + 1

        let mutable src = chunks
        // Made at the first pass that moves anything (a chunk set is never empty).
        let mutable dst: TimerEntry<'T>[][] = [||]
        let starts = Array.zeroCreate<int> 256

        for d in 0..7 do
            let digits = d <<< 8
            let mutable shared = false

            for b in 0..255 do
                if counts[digits + b] = n then
                    shared <- true

            if not shared then
                let mutable total = 0

                for b in 0..255 do
                    starts[b] <- total
                    total <- total + counts[digits + b]

                if dst.Length = 0 then
                    dst <- newChunks n

                let shift = d <<< 3

                for chunk in src do
                    for e in chunk do
                        let b = int ((sortableBits e.Key.Deadline >>> shift) &&& 0xFFUL)
                        let at = starts[b]
                        starts[b] <- at + 1
                        dst[at >>> Chunk.Bits][at &&& Chunk.Mask] <- e

                let t = src
                src <- dst
                dst <- t

        src

    // Unsorted timers (at least one) as one run. Incoming is newest first, and the shell numbers timers
    // in the order it adds them, so laying the list out backwards puts it in sequence order, which is
    // what lets the radix sort leave ties alone; keys that come otherwise are merge sorted.
    let private runOf (entries: TimerEntry<'T> list) : Run<'T> =
        let n = List.length entries
        let chunks = newChunks n
        let mutable rest = entries
        let mutable inSeqOrder = true
        let mutable at = n - 1
        let mutable newerSeq = Int64.MaxValue

        while at >= 0 do
            let e = rest.Head

            if e.Key.Seq >= newerSeq then
                inSeqOrder <- false

            newerSeq <- e.Key.Seq

            chunks[at >>> Chunk.Bits][at &&& Chunk.Mask] <- e
            rest <- rest.Tail
            at <- at - 1

        {
            Chunks =
                if inSeqOrder then
                    radixSortedChunks chunks n
                else
                    sortedChunks chunks n
            Start = 0
            Length = n
        }

    // Adds a run in front of the newer (smaller) runs, merging while the next one is not at least
    // twice as big: what keeps the number of runs logarithmic.
    let rec private pushRun (run: Run<'T>) (runs: Run<'T> list) =
        match runs with
        | next :: older when next.Count <= 2 * run.Count -> pushRun (mergeRuns run next) older
        | _ -> run :: runs

    // A run lets go of the chunks it has popped entirely (a new directory; the chunks are shared), and a
    // run whose popped prefix outgrew what is left is copied down to its live suffix: either way, fired
    // timers' payloads do not stay reachable for as long as the run lives. Each copy at least halves a
    // run of under two chunks, so the copying is linear in the timers popped.
    let private tidy (r: Run<'T>) =
        let r =
            if r.Start >= Chunk.Size then
                let drop = r.Start >>> Chunk.Bits

                {
                    Chunks = Array.sub r.Chunks drop (r.Chunks.Length - drop)
                    Start = r.Start - (drop <<< Chunk.Bits)
                    Length = r.Length - (drop <<< Chunk.Bits)
                }
            else
                r

        if r.Start > r.Count then
            let chunks = newChunks r.Count

            for k in 0 .. r.Count - 1 do
                chunks[k >>> Chunk.Bits][k &&& Chunk.Mask] <- r[r.Start + k]

            {
                Chunks = chunks
                Start = 0
                Length = r.Count
            }
        else
            r

    // Moves each run's start past cancelled timers, dropping emptied runs; the timers passed over
    // leave the cancelled set, and their number is returned.
    let private trimHeads (cancelled: Set<int64>) (runs: Run<'T> list) : struct (Run<'T> list * Set<int64> * int) =
        if cancelled.IsEmpty then
            struct (runs, cancelled, 0)
        else
            let mutable cancelled = cancelled
            let mutable passed = 0

            let trimmed =
                [
                    for run in runs do
                        let mutable start = run.Start

                        while start < run.Length && Set.contains run[start].Key.Seq cancelled do
                            cancelled <- Set.remove run[start].Key.Seq cancelled
                            passed <- passed + 1
                            start <- start + 1

                        if start < run.Length then
                            yield tidy { run with Start = start }
                ]

            struct (trimmed, cancelled, passed)

    // Sorts Incoming into a run of its own.
    let private settle (q: TimerQueue<'T>) =
        match q.Incoming with
        | [] -> q
        | incoming ->
            { q with
                Incoming = []
                Runs = pushRun (runOf incoming) q.Runs
            }

    let add key (x: 'T) (q: TimerQueue<'T>) =
        { q with
            Incoming = { Key = key; Item = x } :: q.Incoming
            IncomingMin =
                if q.Incoming.IsEmpty || before key q.IncomingMin then
                    key
                else
                    q.IncomingMin
            Live = q.Live + 1
        }

    // Every live timer, sorted, in one run (or none).
    let private compacted (q: TimerQueue<'T>) =
        let live =
            [
                for e in q.Incoming do
                    if not (Set.contains e.Key.Seq q.Cancelled) then
                        yield e
                for r in q.Runs do
                    for i in r.Start .. r.Length - 1 do
                        if not (Set.contains r[i].Key.Seq q.Cancelled) then
                            yield r[i]
            ]

        {
            Incoming = []
            IncomingMin = Unchecked.defaultof<_>
            Runs = if live.IsEmpty then [] else [ runOf live ]
            Live = q.Live
            Cancelled = Set.empty
            CancelledCount = 0
        }

    // The runs with the one that starts with `key` moved past it (and dropped if that emptied it), or
    // ValueNone if no run starts with it.
    let private withoutHead (key: TimerKey) (runs: Run<'T> list) =
        let rec go (runs: Run<'T> list) =
            match runs with
            | [] -> ValueNone
            | r :: rest when r[r.Start].Key.Seq = key.Seq ->
                ValueSome(
                    if r.Start + 1 < r.Length then
                        tidy { r with Start = r.Start + 1 } :: rest
                    else
                        rest
                )
            | r :: rest ->
                match go rest with
                | ValueSome rest -> ValueSome(r :: rest)
                | ValueNone -> ValueNone

        go runs

    // The lazy cancel: the key joins the cancelled set, and the run heads are trimmed.
    let private cancelLazily (key: TimerKey) (q: TimerQueue<'T>) =
        let struct (runs, cancelled, passed) =
            trimHeads (Set.add key.Seq q.Cancelled) q.Runs

        let q =
            { q with
                Runs = runs
                Live = q.Live - 1
                Cancelled = cancelled
                CancelledCount = q.CancelledCount + 1 - passed
            }

        if q.CancelledCount > 64 && q.CancelledCount > q.Live then
            compacted q
        else
            q

    let remove (key: TimerKey) (q: TimerQueue<'T>) =
        // Placing the new timers first means a cancelled one is always in a run, where trimming
        // the heads finds it.
        let q = settle q

        // Cancelling a run's earliest timer while nothing else waits cancelled (a storm of equal sleeps
        // cancelled in the order they were made) moves that run on at once: the key never enters the
        // cancelled set, whose every add and remove copies a path of its tree.
        if q.Cancelled.IsEmpty then
            match withoutHead key q.Runs with
            | ValueSome runs ->
                { q with
                    Runs = runs
                    Live = q.Live - 1
                }
            | ValueNone -> cancelLazily key q
        else
            cancelLazily key q

    let tryEarliest (q: TimerQueue<'T>) : TimerKey voption =
        let mutable earliest =
            if not q.Incoming.IsEmpty then
                ValueSome q.IncomingMin
            else
                ValueNone

        for r in q.Runs do
            let k = r[r.Start].Key

            match earliest with
            | ValueSome e when not (before k e) -> ()
            | _ -> earliest <- ValueSome k

        earliest

    // How many timers at the start of the run are due. An iteration usually takes a few timers off a
    // run of thousands, so the search gallops from the start (1, 3, 7, ... entries in) and then bisects
    // only the last gap: O(log due) probes near the start, not O(log length) across the whole run.
    let private dueCount endTime (r: Run<'T>) =
        let mutable lo = r.Start
        let mutable hi = r.Length
        let mutable step = 1
        let mutable galloping = true

        // Invariant: every entry before lo is due; none from hi on is.
        while galloping && lo < hi do
            let probe = lo + step - 1

            if probe >= hi then
                galloping <- false
            elif r[probe].Key.Deadline < endTime then
                lo <- probe + 1
                step <- step * 2
            else
                hi <- probe
                galloping <- false

        while lo < hi do
            let mid = lo + (hi - lo) / 2

            if r[mid].Key.Deadline < endTime then
                lo <- mid + 1
            else
                hi <- mid

        lo - r.Start

    // The due timers (deadline before endTime) in firing order, each as `project` makes it, and the
    // queue without them. Nothing due (an empty queue included): the same queue back, and no allocation.
    let private popDueAs (project: TimerEntry<'T> -> 'R) endTime (q: TimerQueue<'T>) : struct ('R[] * TimerQueue<'T>) =
        match tryEarliest q with
        | ValueSome k when k.Deadline < endTime ->
            let q =
                if not q.Incoming.IsEmpty && q.IncomingMin.Deadline < endTime then
                    settle q
                else
                    q

            match q.Runs with
            | [ r ] when q.Cancelled.IsEmpty ->
                // One run and nothing cancelled (the usual case once a burst of timers is sorted): its
                // due prefix, read in place.
                let n = dueCount endTime r
                let due = Array.zeroCreate n

                for i in 0 .. n - 1 do
                    due[i] <- project r[r.Start + i]

                let rest =
                    if r.Start + n < r.Length then
                        [ tidy { r with Start = r.Start + n } ]
                    else
                        []

                struct (due,
                        { q with
                            Runs = rest
                            Live = q.Live - n
                        })
            | _ ->
                // Every run's due prefix (the earliest timer is due, so one at least is not empty),
                // merged; the cancelled ones among them are left out and leave the cancelled set.
                let counts = q.Runs |> List.map (dueCount endTime)

                let merged =
                    List.map2 (fun (r: Run<'T>) n -> { r with Length = r.Start + n }) q.Runs counts
                    |> List.filter (fun r -> r.Count > 0)
                    |> mergeAll

                let mutable cancelled = q.Cancelled
                let mutable skipped = 0

                if not cancelled.IsEmpty then
                    for i in merged.Start .. merged.Length - 1 do
                        let seq = merged[i].Key.Seq

                        if Set.contains seq cancelled then
                            cancelled <- Set.remove seq cancelled
                            skipped <- skipped + 1

                let due = Array.zeroCreate (merged.Count - skipped)
                let mutable at = 0

                for i in merged.Start .. merged.Length - 1 do
                    let e = merged[i]

                    if skipped = 0 || not (Set.contains e.Key.Seq q.Cancelled) then
                        due[at] <- project e
                        at <- at + 1

                let advanced =
                    List.map2 (fun (r: Run<'T>) n -> { r with Start = r.Start + n }) q.Runs counts
                    |> List.filter (fun r -> r.Count > 0)
                    |> List.map tidy

                let struct (runs, cancelled, passed) = trimHeads cancelled advanced

                struct (due,
                        { q with
                            Runs = runs
                            Live = q.Live - due.Length
                            Cancelled = cancelled
                            CancelledCount = q.CancelledCount - skipped - passed
                        })
        | _ -> struct (Array.empty, q)

    let popDue endTime (q: TimerQueue<'T>) : struct ((TimerKey * 'T) list * TimerQueue<'T>) =
        let struct (due, q') = popDueAs (fun e -> e.Key, e.Item) endTime q
        struct (List.ofArray due, q')

    let popDueItems endTime (q: TimerQueue<'T>) : struct ('T[] * TimerQueue<'T>) = popDueAs (fun e -> e.Item) endTime q

    let toList (q: TimerQueue<'T>) =
        (compacted q).Runs
        |> List.collect (fun r -> [ for i in r.Start .. r.Length - 1 -> r[i].Key, r[i].Item ])

    let isWellFormed (q: TimerQueue<'T>) =
        let shaped (r: Run<'T>) =
            let sizes = r.Chunks |> Array.map Array.length

            Array.sum sizes = r.Length
            && sizes |> Array.forall (fun n -> n > 0 && n <= Chunk.Size)
            && sizes |> Array.take (max 0 (sizes.Length - 1)) |> Array.forall ((=) Chunk.Size)
            && r.Start < Chunk.Size

        let sorted (r: Run<'T>) =
            r.Count > 0
            && r.Start <= r.Count
            && shaped r
            && (let mutable inOrder = true

                for i in r.Start + 1 .. r.Length - 1 do
                    inOrder <- inOrder && before r[i - 1].Key r[i].Key

                inOrder)

        q.Runs |> List.forall sorted
        && q.Runs
           |> List.forall (fun r -> not (Set.contains r[r.Start].Key.Seq q.Cancelled))
        && q.Incoming |> List.forall (fun e -> not (Set.contains e.Key.Seq q.Cancelled))
        && q.CancelledCount = q.Cancelled.Count
        && (q.Incoming.IsEmpty
            || q.Incoming |> List.forall (fun e -> not (before e.Key q.IncomingMin)))
