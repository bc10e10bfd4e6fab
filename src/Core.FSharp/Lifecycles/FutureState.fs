namespace Aio.Core

open System.Runtime.CompilerServices

type FutureState<'T, 'Cb> =
    | Pending of callbacksNewestFirst: 'Cb list
    | PendingOne of callback: 'Cb
    | Succeeded of value: 'T
    | Failed of error: exn * retrieved: bool
    | Cancelled of message: string option

[<Struct>]
type FutureRead<'T> =
    | NotReady
    | Value of value: 'T
    | ReadError of error: exn
    | CancelledRead of message: string option

[<Struct>]
type Completion<'Cb> =
    | Completed of callbacksInOrder: 'Cb list
    | CompletedOne of callback: 'Cb
    | AlreadyDone
    | RefusedLoopClosed

// Which results of a type are the type's default and so may share one Succeeded state.
type private DefaultSharing =
    | NoValue
    | NullReference
    | EveryValue

// States that carry nothing particular to one future, built once per type instead of once per
// future: the pending state of a new future, success with the type's default value (most tasks
// return nothing: VoidResult, a struct without fields), and cancellation without a message.
type private CachedFuture<'T, 'Cb>() =
    static member val Pending: FutureState<'T, 'Cb> = Pending []
    static member val SucceededDefault: FutureState<'T, 'Cb> = Succeeded Unchecked.defaultof<'T>
    static member val CancelledNoMessage: FutureState<'T, 'Cb> = Cancelled None

    // When a value may be replaced by the shared default: a null reference, or any value of a struct
    // without fields (it has one value only). Never by equality: a type's Equals may call values
    // equal that are not the same (-0.0 and 0.0, or a struct comparing only some fields).
    static member val SharesDefault =
        if not typeof<'T>.IsValueType then
            NullReference
        elif
            typeof<'T>
                .GetFields(
                    System.Reflection.BindingFlags.Instance
                    ||| System.Reflection.BindingFlags.Public
                    ||| System.Reflection.BindingFlags.NonPublic
                )
                .Length = 0
        then
            EveryValue
        else
            NoValue

module FutureState =

    let pending<'T, 'Cb> : FutureState<'T, 'Cb> = CachedFuture<'T, 'Cb>.Pending

    let isDone s =
        match s with
        | Pending _
        | PendingOne _ -> false
        | _ -> true

    let isCancelled s =
        match s with
        | Cancelled _ -> true
        | _ -> false

    // Callbacks are stored newest first; most futures have none or one, whose order needs no reversal.
    let private inOrder (cbs: 'Cb list) =
        match cbs with
        | []
        | [ _ ] -> cbs
        | _ -> List.rev cbs

    // Each outcome of a completion is built in a function of its own: a struct result built in a branch
    // takes stack temporaries, and the JIT reserves and zeroes every branch's on each call.
    [<MethodImpl(MethodImplOptions.NoInlining)>]
    let private completedOne terminal (cb: 'Cb) : struct (FutureState<'T, 'Cb> * Completion<'Cb>) =
        struct (terminal, CompletedOne cb)

    [<MethodImpl(MethodImplOptions.NoInlining)>]
    let private completedMany terminal (cbs: 'Cb list) : struct (FutureState<'T, 'Cb> * Completion<'Cb>) =
        struct (terminal, Completed(inOrder cbs))

    [<MethodImpl(MethodImplOptions.NoInlining)>]
    let private alreadyDone (s: FutureState<'T, 'Cb>) : struct (FutureState<'T, 'Cb> * Completion<'Cb>) =
        struct (s, AlreadyDone)

    let private complete terminal s =
        match s with
        | PendingOne cb -> completedOne terminal cb
        | Pending cbs -> completedMany terminal cbs
        | _ -> alreadyDone s

    let private succeeded (v: 'T) : FutureState<'T, 'Cb> =
        match CachedFuture<'T, 'Cb>.SharesDefault with
        | EveryValue -> CachedFuture<'T, 'Cb>.SucceededDefault
        | NullReference when isNull (box v) -> CachedFuture<'T, 'Cb>.SucceededDefault
        | _ -> Succeeded v

    let setResult v s = complete (succeeded v) s

    let setException e s = complete (Failed(e, false)) s

    let cancel message s =
        let cancelled =
            match message with
            | None -> CachedFuture<_, _>.CancelledNoMessage
            | Some _ -> Cancelled message

        match s with
        | Pending [] -> struct (cancelled, Completed [])
        | Pending cbs -> struct (cancelled, Completed(inOrder cbs))
        | PendingOne cb -> struct (cancelled, CompletedOne cb)
        | Failed(e, _) -> struct (Failed(e, true), AlreadyDone)
        | _ -> struct (s, AlreadyDone)

    let onLoop loopClosed (before: FutureState<'T, 'Cb>) (struct (_, completion: Completion<'Cb>) as transition) =
        match completion with
        | CompletedOne _ when loopClosed -> struct (before, RefusedLoopClosed)
        | Completed(_ :: _) when loopClosed -> struct (before, RefusedLoopClosed)
        | _ -> transition

    [<MethodImpl(MethodImplOptions.NoInlining)>]
    let private readSucceeded (s: FutureState<'T, 'Cb>) (v: 'T) : struct (FutureState<'T, 'Cb> * FutureRead<'T>) =
        struct (s, Value v)

    [<MethodImpl(MethodImplOptions.NoInlining)>]
    let private readOther (s: FutureState<'T, 'Cb>) : struct (FutureState<'T, 'Cb> * FutureRead<'T>) =
        match s with
        | Failed(e, _) -> struct (Failed(e, true), ReadError e)
        | Cancelled m -> struct (s, CancelledRead m)
        | _ -> struct (s, NotReady)

    // The common read, a success, apart from the rest for the reason given at `complete`.
    let result s =
        match s with
        | Succeeded v -> readSucceeded s v
        | _ -> readOther s

    let exceptionOf s = result s

    let addCallback cb s =
        match s with
        | Pending [] -> struct (PendingOne cb, false)
        | Pending cbs -> struct (Pending(cb :: cbs), false)
        | PendingOne first -> struct (Pending [ cb; first ], false)
        | _ -> struct (s, true)

    let removeCallback cb s =
        match s with
        | Pending cbs ->
            let kept = cbs |> List.filter (fun c -> c <> cb)
            struct (Pending kept, List.length cbs - List.length kept)
        | PendingOne c when c = cb -> struct (pending, 1)
        | _ -> struct (s, 0)

    let callbacks s =
        match s with
        | Pending cbs -> inOrder cbs
        | PendingOne cb -> [ cb ]
        | _ -> []

    let unretrieved s =
        match s with
        | Failed(_, false) -> true
        | _ -> false

    let markRetrieved s =
        match s with
        | Failed(e, false) -> Failed(e, true)
        | _ -> s

    let stateWord s =
        match s with
        | Pending _
        | PendingOne _ -> "pending"
        | Succeeded _
        | Failed _ -> "finished"
        | Cancelled _ -> "cancelled"
