namespace Aio.Core

open System.Runtime.CompilerServices

// Which of the states a FutureState is in. Pending is 0, so that the struct's default value is a new
// future; the terminal tags are the highest, so that done() is one compare.
type internal FutureTag =
    | Pending = 0uy
    | PendingOne = 1uy
    | PendingMany = 2uy
    | Succeeded = 3uy
    | Failed = 4uy
    | FailedRetrieved = 5uy
    | Cancelled = 6uy

// The same three fields for every state: a union struct would give each case's fields their own
// room. `Other` holds the one callback (boxed: the shell's callbacks are references, so that costs
// nothing there), the list of two or more (newest first), the exception, or the cancel message (a
// string option, null for None); the tag says which. `Value` is set only once succeeded.
[<Struct; NoEquality; NoComparison>]
type FutureState<'T, 'Cb> =
    val internal Other: objnull
    val internal Value: 'T
    val internal Tag: FutureTag

    internal new(tag, other, value) =
        {
            Tag = tag
            Other = other
            Value = value
        }

type FutureView<'T, 'Cb> =
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

module FutureState =

    let pending<'T, 'Cb> : FutureState<'T, 'Cb> =
        Unchecked.defaultof<FutureState<'T, 'Cb>>

    let inline private make tag (other: objnull) (value: 'T) : FutureState<'T, 'Cb> =
        FutureState<'T, 'Cb>(tag, other, value)

    let inline private holding tag (other: objnull) : FutureState<'T, 'Cb> = make tag other Unchecked.defaultof<'T>

    let inline private one (s: FutureState<'T, 'Cb>) : 'Cb = unbox<'Cb> (Unchecked.nonNull s.Other)

    // The tag says what Other holds, so these casts need no type check (and the list and the
    // exception are never null; a message's None is).
    let inline private many (s: FutureState<'T, 'Cb>) : 'Cb list =
        Unchecked.nonNull (Unsafe.As<'Cb list> s.Other)

    let inline private errorOf (s: FutureState<'T, 'Cb>) : exn =
        Unchecked.nonNull (Unsafe.As<exn> s.Other)

    let private messageOf (s: FutureState<'T, 'Cb>) : string option =
        match s.Other with
        | :? (string option) as message -> message
        | _ -> None

    let isDone (s: FutureState<'T, 'Cb>) = s.Tag >= FutureTag.Succeeded

    let isCancelled (s: FutureState<'T, 'Cb>) = s.Tag = FutureTag.Cancelled

    let failure (s: FutureState<'T, 'Cb>) =
        match s.Tag with
        | FutureTag.Failed
        | FutureTag.FailedRetrieved -> ValueSome(errorOf s)
        | _ -> ValueNone

    let cancelMessage (s: FutureState<'T, 'Cb>) =
        if s.Tag = FutureTag.Cancelled then messageOf s else None

    let view (s: FutureState<'T, 'Cb>) =
        match s.Tag with
        | FutureTag.Pending -> Pending []
        | FutureTag.PendingOne -> PendingOne(one s)
        | FutureTag.PendingMany -> Pending(many s)
        | FutureTag.Succeeded -> Succeeded s.Value
        | FutureTag.Failed -> Failed(errorOf s, false)
        | FutureTag.FailedRetrieved -> Failed(errorOf s, true)
        | _ -> Cancelled(messageOf s)

    // A failure read or cancelled counts as retrieved: the one place the flag is set.
    let markRetrieved (s: FutureState<'T, 'Cb>) =
        if s.Tag = FutureTag.Failed then
            holding FutureTag.FailedRetrieved s.Other
        else
            s

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

    let private complete (terminal: FutureState<'T, 'Cb>) (s: FutureState<'T, 'Cb>) =
        match s.Tag with
        | FutureTag.PendingOne -> completedOne terminal (one s)
        | FutureTag.Pending -> completedMany terminal []
        | FutureTag.PendingMany -> completedMany terminal (many s)
        | _ -> alreadyDone s

    let setResult (v: 'T) (s: FutureState<'T, 'Cb>) =
        complete (make FutureTag.Succeeded null v) s

    let setException (e: exn) (s: FutureState<'T, 'Cb>) = complete (holding FutureTag.Failed e) s

    let cancel (message: string option) (s: FutureState<'T, 'Cb>) =
        // An option is null for None, so a cancellation without a message stores nothing.
        let cancelled = holding FutureTag.Cancelled (box message)

        match s.Tag with
        | FutureTag.Pending -> struct (cancelled, Completed [])
        | FutureTag.PendingMany -> struct (cancelled, Completed(inOrder (many s)))
        | FutureTag.PendingOne -> struct (cancelled, CompletedOne(one s))
        | FutureTag.Failed -> struct (markRetrieved s, AlreadyDone)
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
        match s.Tag with
        | FutureTag.Failed
        | FutureTag.FailedRetrieved -> struct (markRetrieved s, ReadError(errorOf s))
        | FutureTag.Cancelled -> struct (s, CancelledRead(messageOf s))
        | _ -> struct (s, NotReady)

    // The common read, a success, apart from the rest for the reason given at `complete`.
    let result (s: FutureState<'T, 'Cb>) =
        if s.Tag = FutureTag.Succeeded then
            readSucceeded s s.Value
        else
            readOther s

    let exceptionOf s = result s

    let addCallback (cb: 'Cb) (s: FutureState<'T, 'Cb>) =
        match s.Tag with
        | FutureTag.Pending -> struct (holding FutureTag.PendingOne (box cb), false)
        | FutureTag.PendingOne -> struct (holding FutureTag.PendingMany (box [ cb; one s ]), false)
        | FutureTag.PendingMany -> struct (holding FutureTag.PendingMany (box (cb :: many s)), false)
        | _ -> struct (s, true)

    // The pending state holding these callbacks (newest first) in the fewest objects.
    let private pendingWith (cbs: 'Cb list) : FutureState<'T, 'Cb> =
        match cbs with
        | [] -> pending
        | [ cb ] -> holding FutureTag.PendingOne (box cb)
        | _ -> holding FutureTag.PendingMany (box cbs)

    let removeCallback (cb: 'Cb) (s: FutureState<'T, 'Cb>) =
        match s.Tag with
        | FutureTag.PendingMany ->
            let cbs = many s
            let kept = cbs |> List.filter (fun c -> c <> cb)
            struct (pendingWith kept, List.length cbs - List.length kept)
        | FutureTag.PendingOne when one s = cb -> struct (pending, 1)
        | _ -> struct (s, 0)

    let callbacks (s: FutureState<'T, 'Cb>) =
        match s.Tag with
        | FutureTag.PendingMany -> inOrder (many s)
        | FutureTag.PendingOne -> [ one s ]
        | _ -> []

    let unretrieved (s: FutureState<'T, 'Cb>) = s.Tag = FutureTag.Failed

    let stateWord (s: FutureState<'T, 'Cb>) =
        match s.Tag with
        | FutureTag.Pending
        | FutureTag.PendingOne
        | FutureTag.PendingMany -> "pending"
        | FutureTag.Cancelled -> "cancelled"
        | _ -> "finished"
