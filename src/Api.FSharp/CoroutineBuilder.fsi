namespace Aio.FSharp

open System.Threading.Tasks
open Aio
open Aio.Awaiters

/// Where a coroutine { } body is: finished, or suspended on an await. Opaque: only the builder makes
/// and reads it.
type CoroutineStep<'T>

/// The coroutine { } computation expression: an Aio coroutine written in F#. Like C#'s
/// `async Coroutine<T>` methods it is lazy (nothing runs until a loop task, or an awaiting coroutine,
/// starts it), `let!`/`do!` suspend the loop task exactly as `await` does, and a cancellation is
/// raised at the `let!` where the task waits, so `try ... with` / `try ... finally` can clean up.
///
///     let fetch url = coroutine {
///         do! Asyncio.Sleep 0.1
///         return url + " fetched"
///     }
///     let page = Asyncio.Run(fetch "a", LoopClock.Virtual)
[<Sealed>]
type CoroutineBuilder =
    new: unit -> CoroutineBuilder
    member Delay: body: (unit -> CoroutineStep<'T>) -> (unit -> CoroutineStep<'T>)
    member Run: body: (unit -> CoroutineStep<'T>) -> Coroutine<'T>
    member Return: value: 'T -> CoroutineStep<'T>
    member Zero: unit -> CoroutineStep<unit>
    member Combine: first: CoroutineStep<unit> * rest: (unit -> CoroutineStep<'T>) -> CoroutineStep<'T>
    member While: guard: (unit -> bool) * body: (unit -> CoroutineStep<unit>) -> CoroutineStep<unit>
    member For: items: seq<'a> * body: ('a -> CoroutineStep<unit>) -> CoroutineStep<unit>
    member TryWith: body: (unit -> CoroutineStep<'T>) * handler: (exn -> CoroutineStep<'T>) -> CoroutineStep<'T>
    member TryFinally: body: (unit -> CoroutineStep<'T>) * compensation: (unit -> unit) -> CoroutineStep<'T>
    member Using: resource: 'R * body: ('R -> CoroutineStep<'T>) -> CoroutineStep<'T> when 'R :> System.IDisposable
    /// let! on a future or task: its result (a task returning nothing gives VoidResult; use do!).
    member Bind: future: Future<'a> * rest: ('a -> CoroutineStep<'T>) -> CoroutineStep<'T>
    /// do! on a task whose coroutine returns nothing.
    member Bind: task: LoopTask * rest: (unit -> CoroutineStep<'T>) -> CoroutineStep<'T>
    /// let! on a coroutine: it runs inline, in the same task.
    member Bind: coroutine: Coroutine<'a> * rest: ('a -> CoroutineStep<'T>) -> CoroutineStep<'T>
    /// do! on a coroutine that returns nothing.
    member Bind: coroutine: Coroutine * rest: (unit -> CoroutineStep<'T>) -> CoroutineStep<'T>
    /// do! Asyncio.Sleep d.
    member Bind: sleep: SleepAwaitable * rest: (unit -> CoroutineStep<'T>) -> CoroutineStep<'T>
    /// let! on a primitive's operation (a lock's Acquire, a queue's Get).
    member Bind: operation: SyncAwaitable<'a> * rest: ('a -> CoroutineStep<'T>) -> CoroutineStep<'T>
    /// let! on a TPL task: its continuation comes back to the loop thread.
    member Bind: task: Task<'a> * rest: ('a -> CoroutineStep<'T>) -> CoroutineStep<'T>
    /// do! on a TPL task without a result.
    member Bind: task: Task * rest: (unit -> CoroutineStep<'T>) -> CoroutineStep<'T>
    member ReturnFrom: future: Future<'T> -> CoroutineStep<'T>
    member ReturnFrom: coroutine: Coroutine<'T> -> CoroutineStep<'T>

/// The coroutine { } builder.
[<AutoOpen>]
module CoroutineBuilderModule =
    /// Builds an Aio coroutine: `coroutine { ... }`.
    val coroutine: CoroutineBuilder
