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
    let create () = { Waiters = WaiterQueue.empty }

    /// asyncio's message for a misuse.
    let misuseMessage misuse =
        match misuse with
        | WaitWithoutLock -> "cannot wait on un-acquired lock"
        | NotifyWithoutLock -> "cannot notify on un-acquired lock"

    /// wait(), with the lock held or not: the waiter joins the line (the shell releases the lock).
    let startWait (lockHeld: bool) (s: ConditionState) : Result<struct (ConditionState * int64), ConditionMisuse> =
        if not lockHeld then
            Error WaitWithoutLock
        else
            let struct (q, id) = WaiterQueue.add s.Waiters
            Ok(struct ({ Waiters = q }, id))

    /// The waiter's future was cancelled.
    let withdraw (id: int64) (s: ConditionState) =
        {
            Waiters = WaiterQueue.withdraw id s.Waiters
        }

    /// The waiter's await ended (notified, or cancelled): it leaves the line.
    let waitEnded (id: int64) (s: ConditionState) =
        {
            Waiters = WaiterQueue.remove id s.Waiters
        }

    // Wakes the first n waiters still waiting.
    let private wake (n: int) (s: ConditionState) =
        let rec go n (q: WaiterQueue) acc =
            if n <= 0 then
                q, List.rev acc
            else
                match WaiterQueue.wakeFirstWaiting q with
                | struct (q, ValueSome id) -> go (n - 1) q (id :: acc)
                | struct (q, ValueNone) -> q, List.rev acc

        let q, woken = go n s.Waiters []
        { Waiters = q }, woken

    /// notify(n): only with the lock held.
    let notify (n: int) (lockHeld: bool) (s: ConditionState) : Result<ConditionState * int64 list, ConditionMisuse> =
        if not lockHeld then
            Error NotifyWithoutLock
        else
            Ok(wake n s)

    /// notify_all(): every waiter in line.
    let notifyAll (lockHeld: bool) (s: ConditionState) =
        notify (WaiterQueue.count s.Waiters) lockHeld s

    /// A wait that ended with an exception may have consumed a notification: one more waiter is woken in
    /// its place (asyncio 3.13; a spurious wake-up is allowed by the condition-variable protocol).
    let passOnAfterFailure (s: ConditionState) = wake 1 s
