/// gather's bookkeeping (SEMANTICS §6 and invariant 31) against a direct reading of the rules.
module Aio.Properties.GatherStateProperties

open FsCheck
open FsCheck.FSharp
open Aio.Core
open Aio.Properties.Config

type GatherEvent =
    | ChildEnds of ChildOutcome
    | GatherCancel of accepted: bool

let private histories =
    let outcome =
        Gen.frequency
            [
                6, Gen.constant ChildSucceeded
                2, Gen.constant ChildFailed
                1, Gen.constant ChildCancelled
            ]

    gen {
        let! n = Gen.choose (1, 6)
        let! ends = Gen.listOfLength n (Gen.map ChildEnds outcome)
        let! cancels = Gen.listOf (Gen.map GatherCancel (Gen.elements [ true; false ]))
        let! shuffled = Gen.shuffle (ends @ cancels)
        return n, List.ofArray shuffled
    }
    |> Arb.fromGen

[<AioProperty>]
let ``gather finishes once: at the first failure, else after all children, cancelled iff a cancel was accepted`` () =
    Prop.forAll histories (fun (n, events) ->
        let folder (s, outerDone, decisions, cancelAccepted) e =
            match e with
            | GatherCancel accepted when not outerDone ->
                GatherState.cancelRequested accepted s, outerDone, decisions, cancelAccepted || accepted
            | GatherCancel _ -> s, outerDone, decisions, cancelAccepted
            | ChildEnds o ->
                let struct (s', d) = GatherState.childDone o outerDone s

                let finishes =
                    match d with
                    | FailWithChildError
                    | RaiseLastChildCancellation
                    | CompleteWithResults -> true
                    | _ -> false

                s', outerDone || finishes, decisions @ [ o, d ], cancelAccepted

        let (_, _, decisions, cancelAccepted) =
            events |> List.fold folder (GatherState.start n false, false, [], false)

        let finishing =
            decisions
            |> List.filter (fun (_, d) ->
                match d with
                | FailWithChildError
                | RaiseLastChildCancellation
                | CompleteWithResults -> true
                | _ -> false)

        let firstBad = decisions |> List.tryFindIndex (fun (o, _) -> o <> ChildSucceeded)

        let expected =
            match firstBad with
            | Some i -> [ fst decisions.[i], FailWithChildError ]
            | None when cancelAccepted -> [ ChildSucceeded, RaiseLastChildCancellation ]
            | None -> [ ChildSucceeded, CompleteWithResults ]

        let lateFailuresConsumed =
            match firstBad with
            | Some i ->
                decisions
                |> List.skip (i + 1)
                |> List.forall (fun (o, d) -> d = (if o = ChildFailed then ConsumeLateError else Ignore))
            | None -> true

        (finishing = expected && lateFailuresConsumed)
        |> Prop.label (sprintf "%A" decisions))
