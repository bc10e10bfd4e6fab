/// Operation histories for the loop scheduler, their generators, a driver over the real core, and a
/// deliberately naive reference model (plain lists, linear scans) to compare it with.
module Aio.Properties.LoopHistory

open FsCheck
open FsCheck.FSharp
open Aio.Core

/// A callback, and what it does when it runs (schedules more work, cancels a handle, stops the loop).
type Callback = { Id: int; Reactions: Reaction list }

and Reaction =
    | SoonR of Callback
    | LaterR of delayMs: int * Callback
    | CancelR of handleIndex: int
    | StopR

/// One step of a history, performed between iterations (or, for reactions, inside one).
type Op =
    | CallSoon of Callback
    | CallLater of delayMs: int * Callback
    | CallAt of atMs: int * Callback
    | CancelHandle of handleIndex: int
    | Advance of ms: int
    | RunOnce
    | Stop
    | Close

/// What a history observably does.
type Event =
    | Scheduled of id: int * iteration: int64 * timer: (float * int64) option
    | Ran of id: int * iteration: int64 * now: float
    | Refused of id: int
    | IterationStarted of iteration: int64 * now: float * snapshot: int
    | Stopped of iteration: int64
    | CancelCalled of id: int
    | StopRequested of iteration: int64 * duringIteration: bool

let resolution = 1e-9

// ---- generators -------------------------------------------------------------------------------------

/// Delays come from a small set so that equal deadlines (ties) are frequent.
let private delayGen = Gen.elements [ -5; 0; 0; 1; 1; 2; 5; 5; 10 ]

let rec private callbackGen (depth: int) (nextId: int ref) : Gen<Callback> =
    gen {
        let id = nextId.Value
        nextId.Value <- id + 1

        let! reactions =
            if depth <= 0 then
                Gen.constant []
            else
                Gen.frequency
                    [
                        6, Gen.constant []
                        3, Gen.listOfLength 1 (reactionGen (depth - 1) nextId)
                        1, Gen.listOfLength 2 (reactionGen (depth - 1) nextId)
                    ]

        return { Id = id; Reactions = reactions }
    }

and private reactionGen depth nextId =
    Gen.frequency
        [
            4, Gen.map SoonR (Gen.delay (fun () -> callbackGen depth nextId))
            3, Gen.map2 (fun d cb -> LaterR(d, cb)) delayGen (Gen.delay (fun () -> callbackGen depth nextId))
            2, Gen.map CancelR (Gen.choose (0, 30))
            1, Gen.constant StopR
        ]

/// A history: mostly scheduling and iterations, some cancels and clock moves, rarely stop/close.
let historyGen: Gen<Op list> =
    Gen.sized (fun size ->
        gen {
            let nextId = ref 0
            let! n = Gen.choose (1, max 2 (min 60 (size + 2)))

            let opGen =
                Gen.frequency
                    [
                        5, Gen.map CallSoon (Gen.delay (fun () -> callbackGen 2 nextId))
                        3,
                        Gen.map2 (fun d cb -> CallLater(d, cb)) delayGen (Gen.delay (fun () -> callbackGen 2 nextId))
                        1,
                        Gen.map2
                            (fun t cb -> CallAt(t, cb))
                            (Gen.choose (-5, 30))
                            (Gen.delay (fun () -> callbackGen 1 nextId))
                        2, Gen.map CancelHandle (Gen.choose (0, 30))
                        3, Gen.map Advance (Gen.elements [ 0; 1; 2; 5; 10 ])
                        6, Gen.constant RunOnce
                        1, Gen.constant Stop
                        1, Gen.frequency [ 1, Gen.constant Close; 9, Gen.constant RunOnce ]
                    ]

            let! ops = Gen.listOfLength n opGen
            return ops @ [ RunOnce; Advance 20; RunOnce; RunOnce ]
        })

// ---- the real core, driven like the shell drives it --------------------------------------------------

/// How the driver finds a handle again: a ready entry by number, a timer by its key.
type private Where =
    | ReadyAt of int64
    | TimerAt of TimerKey

type private Driver =
    {
        mutable State: LoopState
        mutable Timers: TimerQueue<Callback>
        mutable Now: float
        mutable Ring: Map<int64, Callback> // the shell's side of the ready queue: payloads by entry number
        mutable Handles: (Callback * Where * HandleLife ref) list // newest first
        mutable Events: Event list // newest first
        mutable Violations: string list
        mutable StopsSeen: int
    }

let private check (d: Driver) =
    match Invariants.checkLoop d.State d.Timers with
    | [] -> ()
    | vs -> d.Violations <- vs @ d.Violations

let private emit (d: Driver) e = d.Events <- e :: d.Events

let private schedule (d: Driver) (cb: Callback) (deadline: float option) =
    let result =
        match deadline with
        | None ->
            Scheduler.callSoon d.State
            |> Result.map (fun (struct (s, n)) -> struct (s, d.Timers, ReadyAt n))
        | Some t ->
            Scheduler.callAt t cb d.State d.Timers
            |> Result.map (fun (struct (s, timers, k)) -> struct (s, timers, TimerAt k))

    match result with
    | Ok(struct (s, timers, where)) ->
        d.State <- s
        d.Timers <- timers
        d.Handles <- (cb, where, ref Queued) :: d.Handles

        let timer =
            match where with
            | TimerAt k -> Some(k.Deadline, k.Seq)
            | ReadyAt n ->
                d.Ring <- Map.add n cb d.Ring
                None

        emit d (Scheduled(cb.Id, d.State.Iterations, timer))
    | Error LoopIsClosed -> emit d (Refused cb.Id)

    check d

let private lifeOf (d: Driver) (cb: Callback) =
    d.Handles
    |> List.pick (fun (c, _, life) -> if c.Id = cb.Id then Some life else None)

let private cancel (d: Driver) index =
    let handles = List.rev d.Handles

    if not handles.IsEmpty then
        let (cb, where, life) = handles.[index % handles.Length]
        emit d (CancelCalled cb.Id)
        let struct (l, mustUnqueue) = HandleState.cancel life.Value
        life.Value <- l

        match where with
        | TimerAt k when mustUnqueue ->
            d.Timers <- Scheduler.cancelTimer k d.State d.Timers
            check d
        | _ -> ()

let private ms (x: int) = float x / 1000.0

let rec private react (d: Driver) (r: Reaction) =
    match r with
    | SoonR cb -> schedule d cb None
    | LaterR(delay, cb) -> schedule d cb (Some(d.Now + ms delay))
    | CancelR i -> cancel d i
    | StopR ->
        emit d (StopRequested(d.State.Iterations, true))
        d.State <- Scheduler.stop d.State

// The iteration as the shell asks for it (Scheduler.next). The history decides when iterations happen,
// so a wait the core asks for ends at once, as a wait woken early would: the batch is then taken at
// the history's time.
let rec private nextBatch now s timers =
    match Scheduler.next VirtualClock now resolution s timers with
    | struct (s, timers, RunBatch(due, first, last)) -> struct (s, timers, due, first, last)
    | struct (s, timers, Wait _) -> nextBatch now s timers
    | struct (_, _, ReadClock) -> failwith "a virtual clock is always read"

let private runOnce (d: Driver) =
    let struct (s, timers, due, first, last) = nextBatch d.Now d.State d.Timers
    let firstDue = last - int64 due.Length
    let n = int (last - first)
    d.State <- s
    d.Timers <- timers

    due
    |> Array.iteri (fun i cb ->
        let life = lifeOf d cb
        life.Value <- HandleState.fallDue life.Value
        d.Ring <- Map.add (firstDue + int64 i) cb d.Ring)

    emit d (IterationStarted(s.Iterations, d.Now, n))
    check d

    for n in first .. last - 1L do
        let cb = d.Ring.[n]
        d.Ring <- Map.remove n d.Ring
        let life = lifeOf d cb

        if HandleState.shouldRun life.Value then
            life.Value <- HandleState.run life.Value
            emit d (Ran(cb.Id, d.State.Iterations, d.Now))
            cb.Reactions |> List.iter (react d)
            check d

    let struct (s, stopped) = Scheduler.endIteration d.State
    d.State <- s

    if stopped then
        emit d (Stopped s.Iterations)

/// Runs a history through the real core: the events in order, the final state (its two halves: the scheduling state and the timers), and every invariant
/// violation seen after any transition.
let runCore (ops: Op list) =
    let d =
        {
            State = Scheduler.empty
            Timers = TimerQueue.empty
            Now = 0.0
            Ring = Map.empty
            Handles = []
            Events = []
            Violations = []
            StopsSeen = 0
        }

    for op in ops do
        match op with
        | CallSoon cb -> schedule d cb None
        | CallLater(delay, cb) -> schedule d cb (Some(d.Now + ms delay))
        | CallAt(t, cb) -> schedule d cb (Some(ms t))
        | CancelHandle i -> cancel d i
        | Advance x -> d.Now <- d.Now + ms x
        | RunOnce ->
            if not d.State.Closed then
                runOnce d
        | Stop ->
            emit d (StopRequested(d.State.Iterations, false))
            d.State <- Scheduler.stop d.State
        | Close ->
            match Scheduler.close d.State d.Timers with
            | Ok(struct (s, timers)) ->
                d.State <- s
                d.Timers <- timers
            | Error refusal -> failwithf "close refused: %A" refusal

            check d

    List.rev d.Events, (d.State, d.Timers), List.rev d.Violations

// ---- the naive model ---------------------------------------------------------------------------------

type private Model =
    {
        mutable Ready: (int64 * Callback) list // front first
        mutable Timers: (float * int64 * Callback) list // unordered
        mutable Cancelled: int64 list
        mutable Seq: int64
        mutable TimerSeq: int64 // timers are numbered apart, as the core numbers them
        mutable Stopping: bool
        mutable Closed: bool
        mutable Iteration: int64
        mutable Now: float
        mutable Handles: (Callback * int64 * bool ref) list // cb, seq, still queued
        mutable Events: Event list
    }

/// The same history through the naive model: lists, linear scans, sorting on every iteration.
let runModel (ops: Op list) =
    let m =
        {
            Ready = []
            Timers = []
            Cancelled = []
            Seq = 0L
            TimerSeq = 0L
            Stopping = false
            Closed = false
            Iteration = 0L
            Now = 0.0
            Handles = []
            Events = []
        }

    let emit e = m.Events <- e :: m.Events

    let schedule (cb: Callback) (deadline: float option) =
        if m.Closed then
            emit (Refused cb.Id)
        else
            let seq = m.Seq
            m.Seq <- seq + 1L
            m.Handles <- m.Handles @ [ cb, seq, ref true ]

            match deadline with
            | None -> m.Ready <- m.Ready @ [ seq, cb ]
            | Some t -> m.Timers <- m.Timers @ [ t, seq, cb ]

            let timer = deadline |> Option.map (fun t -> t, m.TimerSeq)

            if deadline.IsSome then
                m.TimerSeq <- m.TimerSeq + 1L

            emit (Scheduled(cb.Id, m.Iteration, timer))

    let cancel index =
        if not m.Handles.IsEmpty then
            let (cb, seq, queued) = m.Handles.[index % m.Handles.Length]
            emit (CancelCalled cb.Id)

            if queued.Value then
                queued.Value <- false
                m.Timers <- m.Timers |> List.filter (fun (_, s, _) -> s <> seq)

                if m.Ready |> List.exists (fun (s, _) -> s = seq) then
                    m.Cancelled <- seq :: m.Cancelled

    let rec react r =
        match r with
        | SoonR cb -> schedule cb None
        | LaterR(delay, cb) -> schedule cb (Some(m.Now + float delay / 1000.0))
        | CancelR i -> cancel i
        | StopR ->
            emit (StopRequested(m.Iteration, true))
            m.Stopping <- true

    let runOnce () =
        let due =
            m.Timers
            |> List.filter (fun (t, _, _) -> t < m.Now + resolution)
            |> List.sortBy (fun (t, s, _) -> t, s)

        m.Timers <- m.Timers |> List.filter (fun (t, _, _) -> not (t < m.Now + resolution))
        m.Ready <- m.Ready @ (due |> List.map (fun (_, s, cb) -> s, cb))
        m.Iteration <- m.Iteration + 1L
        let n = List.length m.Ready
        emit (IterationStarted(m.Iteration, m.Now, n))

        for _ in 1..n do
            match m.Ready with
            | (seq, cb) :: rest ->
                m.Ready <- rest

                if List.contains seq m.Cancelled then
                    m.Cancelled <- m.Cancelled |> List.filter ((<>) seq)
                else
                    for (c, s, queued) in m.Handles do
                        if s = seq then
                            queued.Value <- false

                    emit (Ran(cb.Id, m.Iteration, m.Now))
                    cb.Reactions |> List.iter react
            | [] -> ()

        if m.Stopping then
            m.Stopping <- false
            emit (Stopped m.Iteration)

    for op in ops do
        match op with
        | CallSoon cb -> schedule cb None
        | CallLater(delay, cb) -> schedule cb (Some(m.Now + float delay / 1000.0))
        | CallAt(t, cb) -> schedule cb (Some(float t / 1000.0))
        | CancelHandle i -> cancel i
        | Advance x -> m.Now <- m.Now + float x / 1000.0
        | RunOnce ->
            if not m.Closed then
                runOnce ()
        | Stop ->
            emit (StopRequested(m.Iteration, false))
            m.Stopping <- true
        | Close ->
            m.Closed <- true
            m.Ready <- []
            m.Timers <- []
            m.Cancelled <- []

    List.rev m.Events

/// An FsCheck arbitrary for histories (shrinking drops operations).
let histories =
    let shrink (ops: Op list) =
        seq {
            for i in 0 .. ops.Length - 1 do
                yield List.removeAt i ops
        }

    Arb.fromGenShrink (historyGen, shrink)
