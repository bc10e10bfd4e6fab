/// SEMANTICS §17, invariants 12–17 (futures), on FutureState against a naive model.
/// Reporting a never-retrieved exception through the loop's handler (17) is the shell's; the core's
/// part is the `retrieved` flag that decides it, checked here.
module Aio.Properties.FutureStateProperties

open FsCheck
open FsCheck.FSharp
open Aio.Core
open Aio.Properties.Config

type FutureOp =
    | SetResult of int
    | SetException
    | Cancel of string option
    | AddCallback of int
    | RemoveCallback of int
    | ReadResult
    | ReadException
    | CloseLoop

let private opGen =
    Gen.frequency
        [
            2, Gen.map SetResult (Gen.choose (0, 9))
            1, Gen.constant SetException
            2, Gen.map Cancel (Gen.elements [ None; Some "m"; Some "n" ])
            4, Gen.map AddCallback (Gen.choose (0, 3))
            2, Gen.map RemoveCallback (Gen.choose (0, 3))
            1, Gen.constant ReadResult
            1, Gen.constant ReadException
            1, Gen.constant CloseLoop
        ]

let private histories =
    Arb.fromGenShrink (Gen.listOf opGen, (fun ops -> seq { for i in 0 .. List.length ops - 1 -> List.removeAt i ops }))

let private boom = exn "boom"

/// What one operation answered, to compare core and model.
type Answer =
    | CompletedWith of int list
    | Refused
    | RefusedLoopIsClosed
    | LoopClosedNow
    | RunNow of bool
    | Removed of int
    | Read of FutureRead<int>

type private Model =
    {
        Outcome: FutureView<int, int> option
        Callbacks: int list
        Retrieved: bool
        LoopClosed: bool
    }

let private modelStep (m: Model) op =
    match op, m.Outcome with
    | CloseLoop, _ -> { m with LoopClosed = true }, LoopClosedNow
    // A closed loop cannot schedule the callbacks a completion hands back: refused, nothing changes.
    | (SetResult _ | SetException | Cancel _), None when m.LoopClosed && not m.Callbacks.IsEmpty ->
        m, RefusedLoopIsClosed
    | (SetResult _ | SetException | Cancel _), Some(Failed _) when
        (match op with
         | Cancel _ -> true
         | _ -> false)
        ->
        { m with Retrieved = true }, Refused
    | (SetResult _ | SetException | Cancel _), Some _ -> m, Refused
    | SetResult v, None ->
        { m with
            Outcome = Some(Succeeded v)
            Callbacks = []
        },
        CompletedWith m.Callbacks
    | SetException, None ->
        { m with
            Outcome = Some(Failed(boom, false))
            Callbacks = []
        },
        CompletedWith m.Callbacks
    | Cancel msg, None ->
        { m with
            Outcome = Some(Cancelled msg)
            Callbacks = []
        },
        CompletedWith m.Callbacks
    | AddCallback c, None ->
        { m with
            Callbacks = m.Callbacks @ [ c ]
        },
        RunNow false
    | AddCallback _, Some _ -> m, RunNow true
    | RemoveCallback c, None ->
        let kept = m.Callbacks |> List.filter ((<>) c)
        { m with Callbacks = kept }, Removed(m.Callbacks.Length - kept.Length)
    | RemoveCallback _, Some _ -> m, Removed 0
    | (ReadResult | ReadException), None -> m, Read NotReady
    | (ReadResult | ReadException), Some(Succeeded v) -> m, Read(Value v)
    | (ReadResult | ReadException), Some(Failed(e, _)) -> { m with Retrieved = true }, Read(ReadError e)
    | (ReadResult | ReadException), Some(Cancelled msg) -> m, Read(CancelledRead msg)
    | (ReadResult | ReadException), Some(Pending _ | PendingOne _) -> m, Read NotReady

// The state is the future's and whether its loop is closed, as the shell passes it to FutureState.onLoop.
let private coreStep (s: FutureState<int, int>, closed) op =
    let completion transition =
        let struct (s', c) = FutureState.onLoop closed s transition

        (s', closed),
        match c with
        | Completed cbs -> CompletedWith cbs
        | CompletedOne cb -> CompletedWith [ cb ]
        | AlreadyDone -> Refused
        | RefusedLoopClosed -> RefusedLoopIsClosed

    match op with
    | SetResult v -> FutureState.setResult v s |> completion
    | SetException -> FutureState.setException boom s |> completion
    | Cancel msg -> FutureState.cancel msg s |> completion
    | AddCallback c -> let struct (s', now) = FutureState.addCallback c s in (s', closed), RunNow now
    | RemoveCallback c -> let struct (s', n) = FutureState.removeCallback c s in (s', closed), Removed n
    | ReadResult -> let struct (s', r) = FutureState.result s in (s', closed), Read r
    | ReadException -> let struct (s', r) = FutureState.exceptionOf s in (s', closed), Read r
    | CloseLoop -> (s, true), LoopClosedNow

// On a loop that stays open: the properties of a single future's lifecycle (CloseLoop then does nothing).
let private openStep s op =
    let ((s', _), a) = coreStep (s, false) op
    s', a

let private runBoth ops =
    let folder (s, m, answers, violations) op =
        let (s', a) = coreStep s op
        let (m', b) = modelStep m op
        s', m', (op, a, b) :: answers, Invariants.checkFuture (fst s') @ violations

    let (s, m, answers, violations) =
        ops
        |> List.fold
            folder
            ((FutureState.pending, false),
             {
                 Outcome = None
                 Callbacks = []
                 Retrieved = false
                 LoopClosed = false
             },
             [],
             [])

    s, m, List.rev answers, violations

[<AioProperty>]
let ``12-16 FutureState answers every operation as the naive model does`` () =
    Prop.forAll histories (fun ops ->
        let (_, _, answers, violations) = runBoth ops
        let mismatches = answers |> List.filter (fun (_, a, b) -> a <> b)

        (mismatches.IsEmpty && violations.IsEmpty)
        |> Prop.label (sprintf "%A %A" mismatches violations))

[<AioProperty>]
let ``12 single assignment: done never becomes pending again and the outcome never changes`` () =
    Prop.forAll histories (fun ops ->
        let states =
            ops
            |> List.scan (fun s op -> fst (openStep s op)) FutureState.pending
            |> List.map (fun s ->
                match FutureState.view s with
                | Pending _
                | PendingOne _ -> None
                | Failed(e, _) -> Some(Failed(e, false))
                | o -> Some o)

        let firstDone = states |> List.tryFindIndex Option.isSome

        match firstDone with
        | None -> true
        | Some i -> states |> List.skip i |> List.forall ((=) states.[i])
        |> Prop.label "the outcome changed")

[<AioProperty>]
let ``13 cancel answers true exactly when the future was pending`` () =
    Prop.forAll histories (fun ops ->
        let rec go s ops =
            match ops with
            | [] -> true
            | op :: rest ->
                let (s', a) = openStep s op

                match op with
                | Cancel _ ->
                    ((a <> Refused) = not (FutureState.isDone s))
                    && FutureState.isCancelled s' = (FutureState.isCancelled s || not (FutureState.isDone s))
                    && go s' rest
                | _ -> go s' rest

        go FutureState.pending ops |> Prop.label "cancel answered wrongly")

[<AioProperty>]
let ``14-15 each registered, non-removed callback is handed over once, in registration order`` () =
    Prop.forAll histories (fun ops ->
        // On an open loop; the closed loop's refusal is the model's, in 12-16.
        let ops = ops |> List.filter ((<>) CloseLoop)
        let (_, m, answers, _) = runBoth ops

        let handed =
            answers
            |> List.collect (fun (_, a, _) ->
                match a with
                | CompletedWith cbs -> cbs
                | _ -> [])

        let registered =
            // replay registrations and removals until completion
            ops
            |> List.fold
                (fun (live, isDone) op ->
                    match op, isDone with
                    | AddCallback c, false -> live @ [ c ], false
                    | RemoveCallback c, false -> List.filter ((<>) c) live, false
                    | (SetResult _ | SetException | Cancel _), false -> live, true
                    | _ -> live, isDone)
                ([], false)

        let expected =
            match registered with
            | (live, true) -> live
            | (_, false) -> []

        (handed = expected)
        |> Prop.label (sprintf "handed %A, expected %A" handed expected))

[<AioProperty>]
let ``16-17 reads are stable, and only an unread, uncancelled failure stays unretrieved`` () =
    Prop.forAll histories (fun ops ->
        let (s, m, answers, _) = runBoth ops

        let reads =
            answers
            |> List.choose (fun (_, a, _) ->
                match a with
                | Read(NotReady) -> None
                | Read r -> Some r
                | _ -> None)

        let stable = reads |> List.distinct |> List.length <= 1
        let unretrieved = FutureState.unretrieved (fst s)

        let expectUnretrieved =
            match m.Outcome with
            | Some(Failed _) -> not m.Retrieved
            | _ -> false

        Prop.label "reads differ" stable
        .&. Prop.label "retrieved flag" (unretrieved = expectUnretrieved))

// Equal to every value, its default included: a result must never be swapped for the shared default
// state by equality.
[<Struct; CustomEquality; NoComparison>]
type private AlwaysEqual =
    {
        N: int
    }

    override _.Equals(_: obj) = true
    override _.GetHashCode() = 0

    interface System.IEquatable<AlwaysEqual> with
        member _.Equals(_: AlwaysEqual) = true

[<Xunit.Fact>]
let ``a result equal to the default but not identical to it is kept as it is`` () =
    let read s =
        match FutureState.result s with
        | struct (_, Value v) -> v
        | _ -> failwith "the future should have succeeded"

    let struct (s, _) =
        FutureState.setResult { N = 5 } FutureState.pending<AlwaysEqual, int>

    Xunit.Assert.Equal(5, (read s).N)
    let struct (z, _) = FutureState.setResult -0.0 FutureState.pending<float, int>
    Xunit.Assert.True(System.Double.IsNegative(read z))
