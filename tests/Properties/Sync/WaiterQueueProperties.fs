/// The waiter line against the simplest model of it: a list of (id, status), oldest first, as asyncio
/// keeps its deque of futures. Every operation of the core's queue, on random histories that mix
/// adds, wakes, withdrawals and removals anywhere in the line.
///
/// Shown to fail, with a seed, on each of these one-line bugs: `remove` not lowering the count;
/// `wakeHead` waking a head already woken; `wakeWaiting` waking woken waiters again.
module Aio.Properties.WaiterQueueProperties

open FsCheck
open FsCheck.FSharp
open Aio.Core
open Aio.Properties.Config

type WaiterOp =
    | Add
    | Remove of nth: int
    | Withdraw of nth: int
    | WakeHead
    | WakeFirstWaiting
    | WakeWaiting of n: int
    | PopWakeNext
    | PopWakeAll

let private opGen =
    Gen.frequency
        [
            6, Gen.constant Add
            2, Gen.map Remove (Gen.choose (0, 50))
            2, Gen.map Withdraw (Gen.choose (0, 50))
            1, Gen.constant WakeHead
            1, Gen.constant WakeFirstWaiting
            1, Gen.map WakeWaiting (Gen.choose (0, 4))
            1, Gen.constant PopWakeNext
            1, Gen.constant PopWakeAll
        ]

let private histories =
    Arb.fromGenShrink (
        Gen.sized (fun s -> Gen.listOfLength (5 * s) opGen),
        fun ops -> seq { for i in 0 .. List.length ops - 1 -> List.removeAt i ops }
    )

// The model: what each operation means, written the obvious O(n) way.
let private mark id (m: (int64 * WaiterStatus) list) =
    m |> List.map (fun (i, s) -> if i = id then i, Woken else i, s)

let private firstWaitingIn (m: (int64 * WaiterStatus) list) =
    m |> List.tryFind (fun (_, s) -> s = Waiting) |> Option.map fst

[<AioProperty>]
let ``the waiter line does what a list of waiters, oldest first, does`` () =
    Prop.forAll histories (fun ops ->
        let mutable q = WaiterQueue.empty
        let mutable m: (int64 * WaiterStatus) list = []
        let mutable next = 0L
        let mutable ok = true

        let nth i =
            if m.IsEmpty then next + 1L else fst m.[i % m.Length]

        for op in ops do
            match op with
            | Add ->
                let struct (q', id) = WaiterQueue.add q
                ok <- ok && id = next
                q <- q'
                m <- m @ [ next, Waiting ]
                next <- next + 1L
            | Remove i ->
                let id = nth i
                q <- WaiterQueue.remove id q
                m <- m |> List.filter (fun (w, _) -> w <> id)
            | Withdraw i ->
                let id = nth i
                q <- WaiterQueue.withdraw id q

                m <-
                    m
                    |> List.map (fun (w, s) -> if w = id && s = Waiting then w, Withdrawn else w, s)
            | WakeHead ->
                let struct (q', woken) = WaiterQueue.wakeHead q

                let expected =
                    match m with
                    | (id, Waiting) :: _ -> ValueSome id
                    | _ -> ValueNone

                ok <- ok && woken = expected
                q <- q'
                expected |> ValueOption.iter (fun id -> m <- mark id m)
            | WakeFirstWaiting ->
                let struct (q', woken) = WaiterQueue.wakeFirstWaiting q
                let expected = firstWaitingIn m

                ok <-
                    ok
                    && woken = (match expected with
                                | Some id -> ValueSome id
                                | None -> ValueNone)

                q <- q'
                expected |> Option.iter (fun id -> m <- mark id m)
            | WakeWaiting n ->
                let struct (q', woken) = WaiterQueue.wakeWaiting n q

                let expected =
                    m |> List.filter (fun (_, s) -> s = Waiting) |> List.map fst |> List.truncate n

                ok <- ok && woken = expected
                q <- q'

                for id in expected do
                    m <- mark id m
            | PopWakeNext ->
                let struct (q', woken) = WaiterQueue.popWakeNext q
                let passed = m |> List.takeWhile (fun (_, s) -> s <> Waiting)
                let rest = m |> List.skip passed.Length

                let expected, left =
                    match rest with
                    | (id, _) :: after -> ValueSome id, after
                    | [] -> ValueNone, []

                ok <- ok && woken = expected
                q <- q'
                m <- left
            | PopWakeAll ->
                let struct (q', woken) = WaiterQueue.popWakeAll q
                ok <- ok && woken = (m |> List.filter (fun (_, s) -> s = Waiting) |> List.map fst)
                q <- q'
                m <- []

            ok <-
                ok
                && WaiterQueue.count q = m.Length
                && WaiterQueue.hasLive q = (m |> List.exists (fun (_, s) -> s <> Withdrawn))
                && m |> List.forall (fun (id, s) -> WaiterQueue.statusOf id q = ValueSome s)
                && WaiterQueue.statusOf next q = ValueNone

        ok |> Prop.label "the waiter line disagrees with the list")
