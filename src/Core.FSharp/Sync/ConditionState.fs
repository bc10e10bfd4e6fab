namespace Aio.Core

[<Struct>]
type ConditionState = { Waiters: WaiterQueue }

type ConditionMisuse =
    | WaitWithoutLock
    | NotifyWithoutLock

module ConditionState =

    let create () = { Waiters = WaiterQueue.empty }

    let misuseMessage misuse =
        match misuse with
        | WaitWithoutLock -> "cannot wait on un-acquired lock"
        | NotifyWithoutLock -> "cannot notify on un-acquired lock"

    let startWait (lockHeld: bool) (s: ConditionState) : Result<struct (ConditionState * int64), ConditionMisuse> =
        if not lockHeld then
            Error WaitWithoutLock
        else
            let struct (q, id) = WaiterQueue.add s.Waiters
            Ok(struct ({ Waiters = q }, id))

    let withdraw (id: int64) (s: ConditionState) =
        {
            Waiters = WaiterQueue.withdraw id s.Waiters
        }

    let waitEnded (id: int64) (s: ConditionState) =
        {
            Waiters = WaiterQueue.remove id s.Waiters
        }

    // Wakes the first n waiters still waiting.
    let private wake (n: int) (s: ConditionState) =
        let struct (q, woken) = WaiterQueue.wakeWaiting n s.Waiters
        { Waiters = q }, woken

    let notify (n: int) (lockHeld: bool) (s: ConditionState) : Result<ConditionState * int64 list, ConditionMisuse> =
        if not lockHeld then
            Error NotifyWithoutLock
        else
            Ok(wake n s)

    let notifyAll (lockHeld: bool) (s: ConditionState) =
        notify (WaiterQueue.count s.Waiters) lockHeld s

    let passOnAfterFailure (s: ConditionState) = wake 1 s
