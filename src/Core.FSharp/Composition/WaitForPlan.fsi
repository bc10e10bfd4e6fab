namespace Aio.Core

/// How wait_for handles its deadline (SEMANTICS §8).
type WaitForPlan =

    /// No deadline: a plain await.
    | AwaitPlainly

    /// No time left at all: wrap the awaitable in a future, and unless it is already done, cancel it and
    /// wait until it is done (a coroutine therefore never runs).
    | ExpireAtOnce

    /// The general case: `async with timeout(delay): return await aw`, the awaitable inline in the caller.
    | AwaitUnderTimeout of delay: float

/// How an `ExpireAtOnce` wait ends once the cancelled future is done.
type WaitForExpiry =

    /// The future swallowed the cancellation (or finished first): return its result, or raise its exception.
    | ReturnItsOutcome

    /// It was cancelled: raise TimeoutError caused by its CancelledError.
    | RaiseTimeoutError

module WaitForPlan =

    /// The plan for a timeout in seconds (ValueNone: none).
    val forTimeout: timeout: float voption -> WaitForPlan

    /// An `ExpireAtOnce` wait: the future ended this way after being cancelled.
    val expiry: outcome: ChildOutcome -> WaitForExpiry
