namespace Aio.Core

/// asyncio.Condition's own line of waiters (SEMANTICS §13); the lock it wraps is a LockState of its own.
/// notify(n) wakes the first n waiters still waiting, in waiting order.
[<Struct>]
type ConditionState = { Waiters: WaiterQueue }

/// A misuse of a condition, reported as RuntimeError with asyncio's text.
type ConditionMisuse =
    | WaitWithoutLock
    | NotifyWithoutLock

module ConditionState =

    /// A condition with nobody waiting.
    val create: unit -> ConditionState

    /// asyncio's message for a misuse.
    val misuseMessage: misuse: ConditionMisuse -> string

    /// wait(), with the lock held or not: the waiter joins the line (the shell releases the lock).
    val startWait: lockHeld: bool -> s: ConditionState -> Result<struct (ConditionState * int64), ConditionMisuse>

    /// The waiter's future was cancelled.
    val withdraw: id: int64 -> s: ConditionState -> ConditionState

    /// The waiter's await ended (notified, or cancelled): it leaves the line.
    val waitEnded: id: int64 -> s: ConditionState -> ConditionState

    /// notify(n): only with the lock held.
    val notify: n: int -> lockHeld: bool -> s: ConditionState -> Result<(ConditionState * int64 list), ConditionMisuse>

    /// notify_all(): every waiter in line.
    val notifyAll: lockHeld: bool -> s: ConditionState -> Result<(ConditionState * int64 list), ConditionMisuse>

    /// A wait that ended with an exception may have consumed a notification: one more waiter is woken in
    /// its place (asyncio 3.13; a spurious wake-up is allowed by the condition-variable protocol).
    val passOnAfterFailure: s: ConditionState -> ConditionState * int64 list
