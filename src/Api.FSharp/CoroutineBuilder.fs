namespace Aio.FSharp

open System.Threading.Tasks
open Aio
open Aio.Awaiters
open Aio.CompilerServices

// A body in continuation-passing style: finished with a value, or suspended on an awaiter that was
// handed to CoroutineSteps.Suspend, with what to run when the loop resumes it.
type CoroutineStep<'T> =
    | Finished of 'T
    | Suspended of resume: (unit -> CoroutineStep<'T>)

module private Steps =

    let rec bind (step: CoroutineStep<'a>) (rest: 'a -> CoroutineStep<'b>) : CoroutineStep<'b> =
        match step with
        | Finished a -> rest a
        | Suspended resume -> Suspended(fun () -> bind (resume ()) rest)

    // An awaiter that is done continues at once, in the same step; otherwise the step suspends on it and
    // the rest runs when the loop resumes the coroutine. GetResult raises there: a cancellation
    // delivered while waiting surfaces at this let!. The awaiter lives in a cell and is always used in
    // place (a primitive's awaiter records, in IsCompleted, the wait it started).
    let inline suspendOn (cell: 'Awaiter ref) (resume: unit -> CoroutineStep<'T>) : CoroutineStep<'T> =
        CoroutineSteps.Suspend(&cell.contents)
        Suspended resume

    let rec tryWith (body: unit -> CoroutineStep<'T>) (handler: exn -> CoroutineStep<'T>) : CoroutineStep<'T> =
        let step =
            try
                Choice1Of2(body ())
            with e ->
                Choice2Of2 e

        match step with
        | Choice2Of2 e -> handler e
        | Choice1Of2(Finished v) -> Finished v
        | Choice1Of2(Suspended resume) -> Suspended(fun () -> tryWith resume handler)

    let rec tryFinally (body: unit -> CoroutineStep<'T>) (compensation: unit -> unit) : CoroutineStep<'T> =
        let step =
            try
                body ()
            with _ ->
                compensation ()
                reraise ()

        match step with
        | Finished v ->
            compensation ()
            Finished v
        | Suspended resume -> Suspended(fun () -> tryFinally resume compensation)

    // Iterations that finish without suspending run in a loop, not as nested calls, so a long loop
    // does not grow the stack.
    let rec loop (guard: unit -> bool) (body: unit -> CoroutineStep<unit>) : CoroutineStep<unit> =
        let mutable suspended = ValueNone

        while suspended.IsNone && guard () do
            match body () with
            | Finished() -> ()
            | Suspended resume -> suspended <- ValueSome resume

        match suspended with
        | ValueSome resume -> Suspended(fun () -> bind (resume ()) (fun () -> loop guard body))
        | ValueNone -> Finished()

// What the loop drives: each Step runs until the body finishes or suspends.
type private Body<'T>(start: unit -> CoroutineStep<'T>) =
    let mutable next = start

    interface ICoroutineBody<'T> with
        member _.Step(result: byref<'T>) =
            match next () with
            | Finished v ->
                result <- v
                true
            | Suspended resume ->
                next <- resume
                false

[<Sealed>]
type CoroutineBuilder() =
    member _.Delay(body: unit -> CoroutineStep<'T>) = body

    member _.Run(body: unit -> CoroutineStep<'T>) : Coroutine<'T> =
        CoroutineSteps.Create(Body body, "coroutine")

    member _.Return(value: 'T) = Finished value
    member _.Zero() = Finished()
    member _.Combine(first: CoroutineStep<unit>, rest: unit -> CoroutineStep<'T>) = Steps.bind first rest
    member _.While(guard: unit -> bool, body: unit -> CoroutineStep<unit>) = Steps.loop guard body

    member _.For(items: seq<'a>, body: 'a -> CoroutineStep<unit>) =
        let e = items.GetEnumerator()
        Steps.tryFinally (fun () -> Steps.loop e.MoveNext (fun () -> body e.Current)) e.Dispose

    member _.TryWith(body: unit -> CoroutineStep<'T>, handler: exn -> CoroutineStep<'T>) = Steps.tryWith body handler

    member _.TryFinally(body: unit -> CoroutineStep<'T>, compensation: unit -> unit) =
        Steps.tryFinally body compensation

    member _.Using(resource: 'R :> System.IDisposable, body: 'R -> CoroutineStep<'T>) =
        Steps.tryFinally (fun () -> body resource) (fun () ->
            if not (isNull (box resource)) then
                resource.Dispose())

    member _.Bind(future: Future<'a>, rest: 'a -> CoroutineStep<'T>) =
        let cell = ref (future.GetAwaiter())

        if cell.contents.IsCompleted then
            rest (cell.contents.GetResult())
        else
            Steps.suspendOn cell (fun () -> rest (cell.contents.GetResult()))

    member this.Bind(task: LoopTask, rest: unit -> CoroutineStep<'T>) =
        this.Bind(task :> Future<VoidResult>, (fun (_: VoidResult) -> rest ()))

    member _.Bind(coroutine: Coroutine<'a>, rest: 'a -> CoroutineStep<'T>) =
        let cell = ref (coroutine.GetAwaiter())

        if cell.contents.IsCompleted then
            rest (cell.contents.GetResult())
        else
            Steps.suspendOn cell (fun () -> rest (cell.contents.GetResult()))

    member this.Bind(coroutine: Coroutine, rest: unit -> CoroutineStep<'T>) =
        this.Bind(coroutine :> Coroutine<VoidResult>, (fun (_: VoidResult) -> rest ()))

    member _.Bind(sleep: SleepAwaitable, rest: unit -> CoroutineStep<'T>) =
        let cell = ref (sleep.GetAwaiter())

        if cell.contents.IsCompleted then
            cell.contents.GetResult()
            rest ()
        else
            Steps.suspendOn cell (fun () ->
                cell.contents.GetResult()
                rest ())

    member _.Bind(operation: SyncAwaitable<'a>, rest: 'a -> CoroutineStep<'T>) =
        let cell = ref (operation.GetAwaiter())

        if cell.contents.IsCompleted then
            rest (cell.contents.GetResult())
        else
            Steps.suspendOn cell (fun () -> rest (cell.contents.GetResult()))

    member _.Bind(task: Task<'a>, rest: 'a -> CoroutineStep<'T>) =
        let cell = ref (task.GetAwaiter())

        if cell.contents.IsCompleted then
            rest (cell.contents.GetResult())
        else
            Steps.suspendOn cell (fun () -> rest (cell.contents.GetResult()))

    member _.Bind(task: Task, rest: unit -> CoroutineStep<'T>) =
        let cell = ref (task.GetAwaiter())

        if cell.contents.IsCompleted then
            cell.contents.GetResult()
            rest ()
        else
            Steps.suspendOn cell (fun () ->
                cell.contents.GetResult()
                rest ())

    member this.ReturnFrom(future: Future<'T>) = this.Bind(future, Finished)
    member this.ReturnFrom(coroutine: Coroutine<'T>) = this.Bind(coroutine, Finished)

[<AutoOpen>]
module CoroutineBuilderModule =
    let coroutine = CoroutineBuilder()
