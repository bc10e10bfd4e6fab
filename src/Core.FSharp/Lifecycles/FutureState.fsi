namespace Aio.Core

/// The lifecycle of a future (SEMANTICS §2): PENDING, then exactly one terminal state.
/// Values and exceptions are opaque payloads ('T, exn); 'Cb is whatever the shell registers as a
/// done callback (a task's wakeup or a delegate in C#, an int in tests).
///
/// A struct the future holds inline (a tag, the value, and one reference for the rest), so that no
/// step of a future's life allocates a state: awaiting it, completing it and reading it. A single
/// callback is held boxed, which costs nothing for the shell's callbacks (references); only a second
/// one takes list cells, kept newest first so that registering one is a single cons. The default
/// value is a pending future without callbacks. `view` shows a state as a union.
/// Which state a FutureState is in (the core's own: the shell reads states through the functions).
type internal FutureTag =
    | Pending = 0uy
    | PendingOne = 1uy
    | PendingMany = 2uy
    | Succeeded = 3uy
    | Failed = 4uy
    | FailedRetrieved = 5uy
    | Cancelled = 6uy

[<Struct; NoEquality; NoComparison>]
type FutureState<'T, 'Cb> =
    val internal Other: objnull
    val internal Value: 'T
    val internal Tag: FutureTag

/// A FutureState as a union, for tests, diagrams and repr: built on demand, never stored.
type FutureView<'T, 'Cb> =
    | Pending of callbacksNewestFirst: 'Cb list
    | PendingOne of callback: 'Cb
    | Succeeded of value: 'T
    | Failed of error: exn * retrieved: bool
    | Cancelled of message: string option

/// What `result()` / `exception()` tell the caller, as data the shell turns into a value or a throw.
[<NoComparison; Struct>]
type FutureRead<'T> =
    | NotReady
    | Value of value: 'T
    | ReadError of error: exn
    | CancelledRead of message: string option

/// The outcome of a completion attempt. `Completed` carries the callbacks to schedule with
/// call_soon, in registration order (`CompletedOne` the single one, without a list);
/// `AlreadyDone` is misuse the shell reports as InvalidStateException.
[<Struct>]
type Completion<'Cb> =
    | Completed of callbacksInOrder: 'Cb list
    | CompletedOne of callback: 'Cb
    | AlreadyDone

    /// The loop is closed and the future has callbacks it could no longer schedule: nothing changed
    /// (asyncio raises "Event loop is closed" from their call_soon, before the state moves).
    | RefusedLoopClosed

/// Pure transitions of SEMANTICS §2.2–§2.3. Each returns the next state and a named outcome.
module FutureState =

    /// A new pending future without callbacks (the struct's default value).
    val pending<'T, 'Cb> : FutureState<'T, 'Cb>

    /// The state as a union (allocates: for tests and repr, not the hot path).
    val view: s: FutureState<'T, 'Cb> -> FutureView<'T, 'Cb>

    /// The exception of a failed future, retrieved or not; ValueNone in every other state.
    val failure: s: FutureState<'T, 'Cb> -> exn voption

    /// The message of a cancelled future (None without one, or when it is not cancelled).
    val cancelMessage: s: FutureState<'T, 'Cb> -> string option

    /// done(): true in the three terminal states.
    val isDone: s: FutureState<'a, 'b> -> bool

    /// cancelled(): true only when cancelled.
    val isCancelled: s: FutureState<'a, 'b> -> bool

    /// set_result(v): PENDING to FINISHED(v), handing back the callbacks; AlreadyDone otherwise.
    val setResult: v: 'a -> s: FutureState<'a, 'b> -> struct (FutureState<'a, 'b> * Completion<'b>)

    /// set_exception(e): PENDING to FINISHED(e), not yet retrieved; AlreadyDone otherwise.
    val setException: e: exn -> s: FutureState<'a, 'b> -> struct (FutureState<'a, 'b> * Completion<'b>)

    /// cancel(msg): true only from PENDING. On a failed future it still marks the exception
    /// retrieved (CPython does the same through Task.cancel / Future.cancel's __log_traceback reset).
    val cancel: message: string option -> s: FutureState<'a, 'b> -> struct (FutureState<'a, 'b> * Completion<'b>)

    /// A completion (setResult, setException or cancel applied to `before`) on the future's loop: refused,
    /// with `before` unchanged, when the loop is closed and callbacks would have to be scheduled.
    val onLoop:
        loopClosed: bool ->
        before: FutureState<'a, 'b> ->
        transition: struct (FutureState<'a, 'b> * Completion<'b>) ->
            struct (FutureState<'a, 'b> * Completion<'b>)

    /// result(): reading a failure marks it retrieved.
    val result: s: FutureState<'a, 'b> -> struct (FutureState<'a, 'b> * FutureRead<'a>)

    /// exception(): like result(), but a success reads as "no exception" (Value of the success).
    val exceptionOf: s: FutureState<'a, 'b> -> struct (FutureState<'a, 'b> * FutureRead<'a>)

    /// add_done_callback: on a done future the callback is returned to be scheduled at once.
    val addCallback: cb: 'a -> s: FutureState<'b, 'a> -> struct (FutureState<'b, 'a> * bool)

    /// remove_done_callback: removes every registration equal to cb and returns how many.
    val removeCallback: cb: 'a -> s: FutureState<'b, 'a> -> struct (FutureState<'b, 'a> * int) when 'a: equality

    /// Registered callbacks in registration order (for repr's cb=[…] and tests).
    val callbacks: s: FutureState<'a, 'b> -> 'b list

    /// True when the future failed and nobody retrieved the exception: the "never retrieved" report.
    val unretrieved: s: FutureState<'a, 'b> -> bool

    /// The exception was consumed elsewhere (a combinator read it): no "never retrieved" report.
    val internal markRetrieved: s: FutureState<'a, 'b> -> FutureState<'a, 'b>

    /// asyncio's state word for repr: pending, finished or cancelled.
    val stateWord: s: FutureState<'a, 'b> -> string
