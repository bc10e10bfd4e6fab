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
