/// The timer queue against a sorted list: adds, cancels (lazy, with compaction once cancelled timers
/// outnumber live ones) and pops of everything due, with many timers and many ties.
module Aio.Properties.TimerQueueProperties

open FsCheck
open FsCheck.FSharp
open Aio.Core
open Aio.Properties.Config

type TimerOp =
    | Add of deadline: int
    | CancelNth of index: int
    | PopDue of before: int

let private opGen =
    Gen.frequency
        [
            5, Gen.map Add (Gen.choose (0, 20))
            4, Gen.map CancelNth (Gen.choose (0, 1000))
            1, Gen.map PopDue (Gen.choose (0, 22))
        ]

let private histories =
    Arb.fromGenShrink (
        Gen.sized (fun s -> Gen.listOfLength (10 * s) opGen),
        fun ops -> seq { for i in 0 .. List.length ops - 1 -> List.removeAt i ops }
    )

[<AioProperty>]
let ``the timer queue pops exactly the live due timers, in (deadline, sequence) order`` () =
    Prop.forAll histories (fun ops ->
        let mutable q = TimerQueue.empty<int>
        let mutable model: (TimerKey * int) list = [] // live timers
        let mutable seq = 0L
        let mutable ok = true

        for op in ops do
            match op with
            | Add d ->
                let k = { Deadline = float d; Seq = seq }
                seq <- seq + 1L
                q <- TimerQueue.add k (int k.Seq) q
                model <- model @ [ k, int k.Seq ]
            | CancelNth i when not model.IsEmpty ->
                let (k, _) = model.[i % model.Length]
                q <- TimerQueue.remove k q
                model <- model |> List.filter (fun (m, _) -> m <> k)
            | CancelNth _ -> ()
            | PopDue t ->
                let struct (due, rest) = TimerQueue.popDue (float t) q

                let expected =
                    model
                    |> List.filter (fun (k, _) -> k.Deadline < float t)
                    |> List.sortBy (fun (k, _) -> k.Deadline, k.Seq)

                ok <- ok && due = expected
                q <- rest
                model <- model |> List.filter (fun (k, _) -> not (k.Deadline < float t))

            let earliest =
                model
                |> List.sortBy (fun (k, _) -> k.Deadline, k.Seq)
                |> List.tryHead
                |> Option.map fst

            ok <-
                ok
                && TimerQueue.count q = model.Length
                && TimerQueue.isWellFormed q
                && TimerQueue.tryEarliest q = (match earliest with
                                               | Some k -> ValueSome k
                                               | None -> ValueNone)

        ok |> Prop.label "the queue disagrees with the sorted list")

[<Xunit.Fact>]
let ``a queue of 200,000 decreasing deadlines survives cancelling most of them and popping the rest`` () =
    let n = 200_000

    let keys =
        [
            for i in 0 .. n - 1 ->
                {
                    Deadline = float (n - i)
                    Seq = int64 i
                }
        ]

    let q =
        keys
        |> List.fold (fun q k -> TimerQueue.add k (int k.Seq) q) TimerQueue.empty<int>
    // every timer but each tenth: enough cancels to force compaction
    let q =
        keys
        |> List.filter (fun k -> k.Seq % 10L <> 0L)
        |> List.fold (fun q k -> TimerQueue.remove k q) q

    let struct (due, rest) = TimerQueue.popDue (float (n + 1)) q
    Xunit.Assert.Equal(n / 10, List.length due)
    Xunit.Assert.True(TimerQueue.isEmpty rest)
    Xunit.Assert.Equal<int list>(due |> List.map snd, due |> List.map snd |> List.sortBy (fun s -> -s))

// Deadlines for a burst of hundreds of timers sorted at once (the shape of a W6: every task sleeps in
// one iteration): few distinct values, so ties are everywhere, and the edge values of `<` (negatives,
// -0.0 against 0.0, the infinities, numbers that differ only in their lowest bit).
let private burstDeadline =
    Gen.elements
        [
            -1e9
            -2.5
            -0.0
            0.0
            1e-300
            0.001
            0.0010000000000000002
            1.0
            3.5
            infinity
            -infinity
        ]

let private bursts =
    Gen.sized (fun s ->
        gen {
            let! n = Gen.choose (256, 256 + 20 * s)
            let! deadlines = Gen.arrayOfLength n burstDeadline
            let! cancels = Gen.arrayOfLength n (Gen.frequency [ 1, Gen.constant true; 4, Gen.constant false ])
            let! cut = burstDeadline
            return deadlines, cancels, cut
        })
    |> Arb.fromGen

[<AioProperty>]
let ``a burst of timers with many ties pops in (deadline, sequence) order, in two parts`` () =
    Prop.forAll bursts (fun (deadlines, cancels, cut) ->
        let keys = deadlines |> Array.mapi (fun i d -> { Deadline = d; Seq = int64 i })

        let q =
            keys
            |> Array.fold (fun q k -> TimerQueue.add k (int k.Seq) q) TimerQueue.empty<int>
        // The cancels come after the burst is in: the first one sorts every timer, and the rest cancel
        // out of firing order, so the cancelled set grows.
        let q =
            Array.zip keys cancels
            |> Array.fold (fun q (k, c) -> if c then TimerQueue.remove k q else q) q

        let live =
            Array.zip keys cancels
            |> Array.filter (snd >> not)
            |> Array.map fst
            |> Array.sortBy (fun k -> k.Deadline, k.Seq)
            |> Array.map (fun k -> k, int k.Seq)
            |> List.ofArray

        let struct (first, rest) = TimerQueue.popDue cut q
        let struct (second, left) = TimerQueue.popDue infinity rest

        let expectedFirst = live |> List.filter (fun (k, _) -> k.Deadline < cut)

        (first = expectedFirst
         && first @ second = (live |> List.filter (fun (k, _) -> k.Deadline < infinity))
         && TimerQueue.isWellFormed rest
         && TimerQueue.count left = (live |> List.filter (fun (k, _) -> k.Deadline = infinity) |> List.length))
        |> Prop.label $"first {first.Length}, second {second.Length}, of {live.Length} live")

[<Xunit.Fact>]
let ``timers added out of sequence order still pop ties by sequence`` () =
    // The scheduler always adds in sequence order; the queue's order does not depend on it.
    let keys =
        [
            for i in 999..-1..0 ->
                {
                    Deadline = float (i % 3)
                    Seq = int64 i
                }
        ]

    let q =
        keys
        |> List.fold (fun q k -> TimerQueue.add k (int k.Seq) q) TimerQueue.empty<int>

    let struct (due, _) = TimerQueue.popDue 10.0 q

    let expected =
        keys
        |> List.sortBy (fun k -> k.Deadline, k.Seq)
        |> List.map (fun k -> int k.Seq)

    Xunit.Assert.Equal<int list>(expected, due |> List.map snd)

// Bursts past one chunk of a run (2,048 timers), popped a little at a time so that runs let go of
// whole chunks and copy down their tails, with a second burst arriving partway (two runs, so pops merge
// their due prefixes) and a fifth of each burst cancelled out of firing order.
let private chunkedHistories =
    gen {
        let! n = Gen.choose (2_049, 5_000)
        // Thousands of values per case: drawn from a generated seed, which FsCheck's own generators
        // would take most of the property's time to do one by one (FsCheck's seed still replays it).
        let! seed = Gen.choose (0, System.Int32.MaxValue)
        let random = System.Random seed
        let deadlines = Array.init n (fun _ -> random.Next(0, n / 2 + 1))
        let cancels = Array.init n (fun _ -> random.Next 5 = 0)
        let cuts = List.init 16 (fun _ -> random.Next(0, n / 2 + 2)) |> List.sort
        return deadlines, cancels, cuts, random.Next 16
    }
    |> Arb.fromGen

[<AioHeavyProperty>]
let ``bursts longer than a chunk pop in order, a little at a time, beside a second burst`` () =
    Prop.forAll chunkedHistories (fun (deadlines, cancels, cuts, secondAt) ->
        let n = deadlines.Length
        let firstBurst = 2 * n / 3

        let keys =
            deadlines |> Array.mapi (fun i d -> { Deadline = float d; Seq = int64 i })

        let mutable q = TimerQueue.empty<int>
        // The model: each timer's state, and every timer in firing order, to read the due ones from.
        let added = Array.zeroCreate n
        let gone = Array.zeroCreate n
        let mutable live = 0

        let inOrder =
            Array.sortWith (fun (a: TimerKey) b -> (a :> System.IComparable<TimerKey>).CompareTo b) keys

        let mutable failure = None

        let burst lo hi =
            for i in lo .. hi - 1 do
                q <- TimerQueue.add keys[i] i q
                added[i] <- true

            for i in lo .. hi - 1 do
                if cancels[i] then
                    q <- TimerQueue.remove keys[i] q
                    gone[i] <- true

            live <- live + (hi - lo) - (cancels[lo .. hi - 1] |> Array.filter id |> Array.length)

        burst 0 firstBurst

        cuts
        |> List.iteri (fun step cut ->
            if step = secondAt then
                burst firstBurst n

            let struct (due, rest) = TimerQueue.popDue (float cut) q

            let expected =
                [
                    for k in inOrder do
                        let i = int k.Seq

                        if added[i] && not gone[i] && k.Deadline < float cut then
                            yield k
                ]

            q <- rest

            for k in expected do
                gone[int k.Seq] <- true

            live <- live - expected.Length

            if failure.IsNone then
                if due |> List.map fst <> expected then
                    failure <-
                        Some $"pop {step} (before {cut}) gave {due.Length} timers, not the {expected.Length} due"
                elif due |> List.exists (fun (k, i) -> int k.Seq <> i) then
                    failure <- Some $"pop {step} paired a key with another timer's payload"
                elif not (TimerQueue.isWellFormed q) then
                    failure <- Some $"the queue is malformed after pop {step}"
                elif TimerQueue.count q <> live then
                    failure <- Some $"after pop {step} the queue counts {TimerQueue.count q}, not {live}")

        failure.IsNone |> Prop.label (defaultArg failure ""))
