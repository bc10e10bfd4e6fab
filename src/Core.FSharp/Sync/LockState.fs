namespace Aio.Core

/// How acquire() goes on: with the lock (or permit) at once, or waiting as this waiter.
[<Struct>]
type AcquireStep =
    | AcquiredAtOnce
    | WaitAs of waiter: int64

/// asyncio.Lock (SEMANTICS §13): no barging, and a waiter cancelled after being woken passes the wake-up
/// on. The waiters' futures live in the shell, named by their ids; a woken waiter takes the lock when
/// its task runs, so `Locked` is false in between, yet a newcomer still queues behind it.
[<Struct>]
type LockState = { Locked: bool; Waiters: WaiterQueue }

module LockState =

    /// An unlocked lock without waiters.
    let create () =
        {
            Locked = false
            Waiters = WaiterQueue.empty
        }

    /// acquire(): at once only if unlocked and no live waiter is in line.
    let acquire (s: LockState) : struct (LockState * AcquireStep) =
        if not s.Locked && not (WaiterQueue.hasLive s.Waiters) then
            struct ({ s with Locked = true }, AcquiredAtOnce)
        else
            let struct (q, id) = WaiterQueue.add s.Waiters
            struct ({ s with Waiters = q }, WaitAs id)

    /// The waiter's await returned: it leaves the line holding the lock.
    let acquiredAfterWait (id: int64) (s: LockState) =
        {
            Locked = true
            Waiters = WaiterQueue.remove id s.Waiters
        }

    /// The waiter's future was cancelled (by cancelling its task, say).
    let withdraw (id: int64) (s: LockState) =
        { s with
            Waiters = WaiterQueue.withdraw id s.Waiters
        }

    /// The waiter's await raised CancelledError: it leaves the line; if the lock is free, the head is
    /// woken, so a wake-up this waiter received is not lost.
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

    /// release(): Error when the lock is not held; otherwise unlocked, and the head of the line woken.
    let release (s: LockState) : Result<struct (LockState * int64 voption), unit> =
        if not s.Locked then
            Error()
        else
            let struct (q, woken) = WaiterQueue.wakeHead s.Waiters
            Ok(struct ({ Locked = false; Waiters = q }, woken))
