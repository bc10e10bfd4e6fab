namespace Aio.Core

[<Struct>]
type AcquireStep =
    | AcquiredAtOnce
    | WaitAs of waiter: int64

[<Struct>]
type LockState = { Locked: bool; Waiters: WaiterQueue }

module LockState =

    let create () =
        {
            Locked = false
            Waiters = WaiterQueue.empty
        }

    let acquire (s: LockState) : struct (LockState * AcquireStep) =
        if not s.Locked && not (WaiterQueue.hasLive s.Waiters) then
            struct ({ s with Locked = true }, AcquiredAtOnce)
        else
            let struct (q, id) = WaiterQueue.add s.Waiters
            struct ({ s with Waiters = q }, WaitAs id)

    let acquiredAfterWait (id: int64) (s: LockState) =
        {
            Locked = true
            Waiters = WaiterQueue.remove id s.Waiters
        }

    let withdraw (id: int64) (s: LockState) =
        { s with
            Waiters = WaiterQueue.withdraw id s.Waiters
        }

    let abandonedWait (id: int64) (s: LockState) : struct (LockState * int64 voption) =
        let s =
            { s with
                Waiters = WaiterQueue.remove id s.Waiters
            }

        if s.Locked then
            struct (s, ValueNone)
        else
            let struct (q, woken) = WaiterQueue.wakeHead s.Waiters
            struct ({ s with Waiters = q }, woken)

    let release (s: LockState) : Result<struct (LockState * int64 voption), unit> =
        if not s.Locked then
            Error()
        else
            let struct (q, woken) = WaiterQueue.wakeHead s.Waiters
            Ok(struct ({ Locked = false; Waiters = q }, woken))
