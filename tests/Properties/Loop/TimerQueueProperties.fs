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
