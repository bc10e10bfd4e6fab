/// SEMANTICS §13 and §17 items 40–42, plus the semaphore, condition and barrier rules, over generated
/// programs run with the real primitives on a virtual-clock loop (tests/Programs/SyncPrograms.cs):
/// several tasks start at random times, use one primitive, and some are cancelled at random times.
///
/// Each property was shown to fail, with a seed, on a planted one-line bug in the library:
/// - 40 queue: `QueueState.popWakeNext` waking the newest getter instead of the oldest;
/// - 41 lock: `LockState.acquire` ignoring live waiters (a newcomer barges in);
/// - 42 event: `EventState.set` waking the waiters newest first;
/// - semaphore: `SemaphoreState.waitEnded` not giving back the permit of a woken waiter that was cancelled;
/// - condition: `ConditionState.notify` waking one waiter more than asked;
/// - barrier: `BarrierState.arrive` counting the index from 1.
module Aio.Properties.SyncProperties

open FsCheck
open FsCheck.FSharp
open Aio.Programs
open Aio.Properties.Config

let private delays = [ 0.0; 0.01; 0.02; 0.05; 0.1 ]

let private actor (cancelShare: int) =
    gen {
        let! start = Gen.elements delays
        let! hold = Gen.elements delays
        let! cancelled = Gen.frequency [ cancelShare, Gen.constant true; 10 - cancelShare, Gen.constant false ]
        let! at = Gen.elements [ 0.0; 0.005; 0.01; 0.015; 0.02; 0.05; 0.1; 0.12 ]
        let! value = Gen.choose (0, 1000)
        // Now and then a holder cancels another actor right after releasing: often the waiter it woke.
        let! victim = Gen.frequency [ cancelShare, Gen.choose (0, 7); 10, Gen.constant -1 ]
        return Actor(start, hold, (if cancelled then System.Nullable at else System.Nullable()), value, victim)
    }

let private plan primitive (capacities: int list) (cancelShare: int) =
    gen {
        let! capacity = Gen.elements capacities
        let! n = Gen.choose (2, 8)
        let! actors = Gen.arrayOfLength n (actor cancelShare)
        // Distinct values, so that every item is told apart.
        let actors =
            actors
            |> Array.mapi (fun i a ->
                Actor(a.Start, a.Hold, a.CancelAt, i + 1, (if a.CancelOnRelease = i then -1 else a.CancelOnRelease)))

        let! setAt = Gen.elements [ 0.0; 0.01; 0.03; 0.06 ]
        return SyncPlan(primitive, capacity, setAt, actors)
    }
    |> Arb.fromGen

let private run (p: SyncPlan) = SyncRunner.Run p

let private events (t: SyncTrace) = List.ofSeq t.Events

let private ofKind kind (t: SyncTrace) =
    events t |> List.filter (fun e -> e.Kind = kind)

let private requestSeq (t: SyncTrace) =
    ofKind SyncEventKind.Requested t
    |> List.map (fun e -> e.Actor, e.Seq)
    |> Map.ofList

// Actors that were granted, in grant order, must be in the order they asked: nobody overtakes.
let private grantedInRequestOrder (t: SyncTrace) =
    let asked = requestSeq t
    let granted = ofKind SyncEventKind.Granted t |> List.map (fun e -> asked.[e.Actor])
    granted = List.sort granted

let private show (p: SyncPlan) (t: SyncTrace) = sprintf "%O\n%O" p t

[<AioProperty>]
let ``40 queue: items come out in the order they went in, none lost or duplicated, qsize never above maxsize, waiting getters served in order``
    ()
    =
    Prop.forAll (plan SyncPrimitive.Queue [ 0; 1; 2; 3 ] 3) (fun p ->
        let t = run p

        let put =
            ofKind SyncEventKind.Granted t
            |> List.filter (fun e -> e.Actor % 2 = 0)
            |> List.map (fun e -> e.Value)

        let got =
            ofKind SyncEventKind.Granted t
            |> List.filter (fun e -> e.Actor % 2 = 1)
            |> List.map (fun e -> e.Value)

        let left = List.ofSeq t.LeftInQueue
        let inOrder = got @ left = put

        let bounded =
            p.Capacity <= 0 || events t |> List.forall (fun e -> e.Gauge <= p.Capacity)

        let getters =
            ofKind SyncEventKind.Requested t |> List.filter (fun e -> e.Actor % 2 = 1)
        // Absent cancellation, and when every getter had to wait, they are served in waiting order.
        let noCancel = p.Actors |> Array.forall (fun a -> not a.CancelAt.HasValue)

        let servedInOrder =
            not noCancel
            || not (getters |> List.forall (fun e -> e.Flag))
            || (let asked = requestSeq t

                let served =
                    ofKind SyncEventKind.Granted t
                    |> List.filter (fun e -> e.Actor % 2 = 1)
                    |> List.map (fun e -> asked.[e.Actor])

                served = List.sort served)

        (t.Finished && inOrder && bounded && servedInOrder)
        |> Prop.classify noCancel "no cancel"
        |> Prop.classify (not got.IsEmpty) "items moved"
        |> Prop.label (show p t))

[<AioProperty>]
let ``41 lock: never held by two tasks; waiters acquire in the order they started waiting, skipping cancelled ones``
    ()
    =
    Prop.forAll (plan SyncPrimitive.Lock [ 1 ] 3) (fun p ->
        let t = run p
        let single = ofKind SyncEventKind.Granted t |> List.forall (fun e -> e.Holders = 1)
        let cancelledWaiters = ofKind SyncEventKind.Cancelled t |> List.length

        (t.Finished && single && grantedInRequestOrder t && t.FinalGauge = 0)
        |> Prop.classify (cancelledWaiters > 0) "with cancels"
        |> Prop.label (show p t))

[<AioProperty>]
let ``42 event: set() resumes every current waiter exactly once, in waiting order`` () =
    Prop.forAll (plan SyncPrimitive.Event [ 1 ] 2) (fun p ->
        let t = run p
        let asked = ofKind SyncEventKind.Requested t
        let granted = ofKind SyncEventKind.Granted t

        let cancelled =
            ofKind SyncEventKind.Cancelled t |> List.map (fun e -> e.Actor) |> Set.ofList

        let once =
            granted |> List.countBy (fun e -> e.Actor) |> List.forall (fun (_, n) -> n = 1)
        // Every waiter that asked and was not cancelled resumes.
        let everyone =
            asked
            |> List.forall (fun e ->
                cancelled.Contains e.Actor
                || granted |> List.exists (fun g -> g.Actor = e.Actor))
        // Those woken by set() (they asked before it) resume in the order they asked.
        let woken =
            granted
            |> List.filter (fun g -> asked |> List.exists (fun a -> a.Actor = g.Actor && not a.Flag))
            |> List.map (fun g -> (asked |> List.find (fun a -> a.Actor = g.Actor)).Seq)

        (t.Finished && once && everyone && woken = List.sort woken)
        |> Prop.classify (woken.Length > 1) "several woken"
        |> Prop.label (show p t))

[<AioProperty>]
let ``semaphore: permits never negative, never more holders than permits, FIFO among live waiters, no permit lost`` () =
    Prop.forAll (plan SyncPrimitive.Semaphore [ 1; 2; 3 ] 3) (fun p ->
        let t = run p
        let nonNegative = events t |> List.forall (fun e -> e.Gauge >= 0)

        let withinPermits =
            ofKind SyncEventKind.Granted t |> List.forall (fun e -> e.Holders <= p.Capacity)

        (t.Finished
         && nonNegative
         && withinPermits
         && grantedInRequestOrder t
         && t.FinalGauge = p.Capacity)
        |> Prop.classify (ofKind SyncEventKind.Cancelled t |> List.isEmpty |> not) "with cancels"
        |> Prop.label (show p t))

[<AioProperty>]
let ``bounded semaphore: matched acquire and release never exceed the bound`` () =
    Prop.forAll (plan SyncPrimitive.BoundedSemaphore [ 1; 2 ] 3) (fun p ->
        let t = run p

        (t.Finished
         && ofKind SyncEventKind.Failed t |> List.isEmpty
         && t.FinalGauge = p.Capacity)
        |> Prop.label (show p t))

[<AioProperty>]
let ``condition: notify(n) wakes the first n live waiters in waiting order, and a wait returns with the lock held, also when cancelled``
    ()
    =
    Prop.forAll (plan SyncPrimitive.Condition [ 1; 2; 3 ] 2) (fun p ->
        let t = run p
        let asked = ofKind SyncEventKind.Requested t

        let lockHeld =
            (asked
             @ ofKind SyncEventKind.Granted t
             @ (ofKind SyncEventKind.Cancelled t |> List.filter (fun e -> e.Value = 0)))
            |> List.forall (fun e -> e.Flag)
        // The first notify(n) runs at SetAt: the waiters it wakes resume then, in waiting order. A wait
        // cancelled at that moment may pass its notification on (asyncio 3.13), so such runs only check
        // the order.
        let atNotify (e: SyncEvent) = abs (e.Time - p.SetAt) < 1e-9
        let first = ofKind SyncEventKind.Granted t |> List.filter atNotify
        let cancelledThen = ofKind SyncEventKind.Cancelled t |> List.exists atNotify

        let order =
            first
            |> List.map (fun g -> (asked |> List.find (fun a -> a.Actor = g.Actor)).Seq)

        let atMostN = cancelledThen || first.Length <= p.Capacity

        (t.Finished && lockHeld && atMostN && order = List.sort order)
        |> Prop.classify (first.Length > 1) "several notified"
        |> Prop.label (show p t))

[<AioProperty>]
let ``barrier: each full round hands out the indexes 0 to parties-1 once`` () =
    Prop.forAll (plan SyncPrimitive.Barrier [ 1; 2; 3 ] 0) (fun p ->
        let t = run p
        let granted = ofKind SyncEventKind.Granted t |> List.map (fun e -> e.Value)
        let rounds = granted |> List.chunkBySize p.Capacity
        let full = granted.Length = (p.Actors.Length / p.Capacity) * p.Capacity

        let permutations =
            rounds |> List.forall (fun r -> List.sort r = [ 0 .. p.Capacity - 1 ])

        (t.Finished && full && permutations)
        |> Prop.classify (rounds.Length > 1) "several rounds"
        |> Prop.label (show p t))
