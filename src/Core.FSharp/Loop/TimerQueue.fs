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

// One timer in a run: the key and the shell's payload side by side, so a run is one array.
[<Struct>]
type private TimerEntry<'T> = { Key: TimerKey; Item: 'T }

// A sorted array of timers of which the first Start have been popped. Arrays are never written
// once built: popping moves Start in a new Run value and shares the array.
[<Struct>]
type private Run<'T> =
    {
        Items: TimerEntry<'T>[]
        Start: int
    }

    member r.Count = r.Items.Length - r.Start

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

    // A stable bottom-up merge sort by key. It takes the array over (every caller passes one it just
    // built) and returns the sorted one, which may be that array or its scratch twin.
    // Ours rather than Array.Sort with an IComparer: keys compare field by field, inline, with no
    // interface call per comparison, and equal deadlines keep registration order by construction.
    let private sorted (items: TimerEntry<'T>[]) : TimerEntry<'T>[] =
        let n = items.Length
        let mutable src = items
        let mutable dst = Array.zeroCreate n
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

    // Merges two sorted runs into one new array.
    let private mergeRuns (a: Run<'T>) (b: Run<'T>) : Run<'T> =
        let items = Array.zeroCreate (a.Count + b.Count)
        let mutable i = a.Start
        let mutable j = b.Start

        for k in 0 .. items.Length - 1 do
            if
                j >= b.Items.Length
                || (i < a.Items.Length && before a.Items[i].Key b.Items[j].Key)
            then
                items[k] <- a.Items[i]
                i <- i + 1
            else
                items[k] <- b.Items[j]
                j <- j + 1

        { Items = items; Start = 0 }

    // Adds a run in front of the newer (smaller) runs, merging while the next one is not at least
    // twice as big: what keeps the number of runs logarithmic.
    let rec private pushRun (run: Run<'T>) (runs: Run<'T> list) =
        match runs with
        | next :: older when next.Count <= 2 * run.Count -> pushRun (mergeRuns run next) older
        | _ -> run :: runs

    // A run whose popped prefix outgrew what is left is copied down to its live suffix: the shared
    // array would otherwise keep every fired timer's payload reachable for as long as the run lives.
    // Each copy at least halves the array, so the copying is linear in the timers popped.
    let private tidy (r: Run<'T>) =
        if r.Start > r.Count then
            {
                Items = Array.sub r.Items r.Start r.Count
                Start = 0
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

                        while start < run.Items.Length && Set.contains run.Items[start].Key.Seq cancelled do
                            cancelled <- Set.remove run.Items[start].Key.Seq cancelled
                            passed <- passed + 1
                            start <- start + 1

                        if start < run.Items.Length then
                            yield tidy { run with Start = start }
                ]

            struct (trimmed, cancelled, passed)

    // Sorts Incoming into a run of its own.
    let private settle (q: TimerQueue<'T>) =
        match q.Incoming with
        | [] -> q
        | incoming ->
            let items = sorted (List.toArray incoming)

            { q with
                Incoming = []
                Runs = pushRun { Items = items; Start = 0 } q.Runs
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
            [|
                for e in q.Incoming do
                    if not (Set.contains e.Key.Seq q.Cancelled) then
                        yield e
                for r in q.Runs do
                    for i in r.Start .. r.Items.Length - 1 do
                        if not (Set.contains r.Items[i].Key.Seq q.Cancelled) then
                            yield r.Items[i]
            |]

        let live = sorted live

        {
            Incoming = []
            IncomingMin = Unchecked.defaultof<_>
            Runs =
                if live.Length = 0 then
                    []
                else
                    [ { Items = live; Start = 0 } ]
            Live = q.Live
            Cancelled = Set.empty
            CancelledCount = 0
        }

    let remove (key: TimerKey) (q: TimerQueue<'T>) =
        // Placing the new timers first means a cancelled one is always in a run, where trimming
        // the heads finds it.
        let q = settle q

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

    let tryEarliest (q: TimerQueue<'T>) : TimerKey voption =
        let mutable earliest =
            if not q.Incoming.IsEmpty then
                ValueSome q.IncomingMin
            else
                ValueNone

        for r in q.Runs do
            let k = r.Items[r.Start].Key

            match earliest with
            | ValueSome e when not (before k e) -> ()
            | _ -> earliest <- ValueSome k

        earliest

    // How many timers at the start of the run are due: a binary search for the first deadline that
    // is not before endTime.
    let private dueCount endTime (r: Run<'T>) =
        let mutable lo = r.Start
        let mutable hi = r.Items.Length

        while lo < hi do
            let mid = lo + (hi - lo) / 2

            if r.Items[mid].Key.Deadline < endTime then
                lo <- mid + 1
            else
                hi <- mid

        lo - r.Start

    // The due prefix of each run (deadline before endTime) taken off, merged into one sorted array
    // with the cancelled ones left out.
    // The due timers as a slice (array, start, count) of a run or of a merged array: the common case, one
    // run with nothing cancelled, hands out the run's own array, which callers copy what they need from.
    let private takeDue endTime (q: TimerQueue<'T>) : struct (TimerEntry<'T>[] * int * int * TimerQueue<'T>) =
        let q =
            if not q.Incoming.IsEmpty && q.IncomingMin.Deadline < endTime then
                settle q
            else
                q

        match q.Runs with
        | [ r ] when q.Cancelled.IsEmpty ->
            // One run and nothing cancelled (the usual case once a burst of timers is sorted): its
            // due prefix, as it is.
            let n = dueCount endTime r

            let rest =
                if r.Start + n < r.Items.Length then
                    [ tidy { r with Start = r.Start + n } ]
                else
                    []

            struct (r.Items,
                    r.Start,
                    n,
                    { q with
                        Runs = rest
                        Live = q.Live - n
                    })
        | _ ->

            let counts = q.Runs |> List.map (dueCount endTime)
            let total = List.sum counts

            if total = 0 then
                struct (Array.empty, 0, 0, q)
            else
                let gathered = Array.zeroCreate total
                let mutable at = 0

                List.iter2
                    (fun (r: Run<'T>) n ->
                        System.Array.Copy(r.Items, r.Start, gathered, at, n)
                        at <- at + n)
                    q.Runs
                    counts

                let due = if q.Runs.Length > 1 then sorted gathered else gathered

                let live, cancelled =
                    if q.Cancelled.IsEmpty then
                        due, q.Cancelled
                    else
                        let live = due |> Array.filter (fun e -> not (Set.contains e.Key.Seq q.Cancelled))
                        live, due |> Array.fold (fun set e -> Set.remove e.Key.Seq set) q.Cancelled

                let advanced =
                    List.map2 (fun (r: Run<'T>) n -> { r with Start = r.Start + n }) q.Runs counts
                    |> List.filter (fun r -> r.Count > 0)
                    |> List.map tidy

                let struct (runs, cancelled, passed) = trimHeads cancelled advanced

                struct (live,
                        0,
                        live.Length,
                        { q with
                            Runs = runs
                            Live = q.Live - live.Length
                            Cancelled = cancelled
                            CancelledCount = q.CancelledCount - (due.Length - live.Length) - passed
                        })

    // The due timers in firing order, each as `project` makes it. Nothing due (an empty queue
    // included): the same queue back, and no allocation.
    let private popDueAs (project: TimerEntry<'T> -> 'R) endTime (q: TimerQueue<'T>) : struct ('R[] * TimerQueue<'T>) =
        match tryEarliest q with
        | ValueSome k when k.Deadline < endTime ->
            let struct (items, start, n, q') = takeDue endTime q
            let due = Array.zeroCreate n

            for i in 0 .. n - 1 do
                due[i] <- project items[start + i]

            struct (due, q')
        | _ -> struct (Array.empty, q)

    let popDue endTime (q: TimerQueue<'T>) : struct ((TimerKey * 'T) list * TimerQueue<'T>) =
        let struct (due, q') = popDueAs (fun e -> e.Key, e.Item) endTime q
        struct (List.ofArray due, q')

    let popDueItems endTime (q: TimerQueue<'T>) : struct ('T[] * TimerQueue<'T>) = popDueAs (fun e -> e.Item) endTime q

    let toList (q: TimerQueue<'T>) =
        (compacted q).Runs
        |> List.collect (fun r -> [ for i in r.Start .. r.Items.Length - 1 -> r.Items[i].Key, r.Items[i].Item ])

    let isWellFormed (q: TimerQueue<'T>) =
        let sorted (r: Run<'T>) =
            r.Count > 0
            && r.Start <= r.Count
            && Seq.forall
                (fun i -> before r.Items[i - 1].Key r.Items[i].Key)
                (seq { r.Start + 1 .. r.Items.Length - 1 })

        q.Runs |> List.forall sorted
        && q.Runs
           |> List.forall (fun r -> not (Set.contains r.Items[r.Start].Key.Seq q.Cancelled))
        && q.Incoming |> List.forall (fun e -> not (Set.contains e.Key.Seq q.Cancelled))
        && q.CancelledCount = q.Cancelled.Count
        && (q.Incoming.IsEmpty
            || q.Incoming |> List.forall (fun e -> not (before e.Key q.IncomingMin)))
