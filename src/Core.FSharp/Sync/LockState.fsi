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
    val create: unit -> LockState

    /// acquire(): at once only if unlocked and no live waiter is in line.
    val acquire: s: LockState -> struct (LockState * AcquireStep)

    /// The waiter's await returned: it leaves the line holding the lock.
    val acquiredAfterWait: id: int64 -> s: LockState -> LockState

    /// The waiter's future was cancelled (by cancelling its task, say).
    val withdraw: id: int64 -> s: LockState -> LockState

    /// The waiter's await raised CancelledError: it leaves the line; if the lock is free, the head is
    /// woken, so a wake-up this waiter received is not lost.
    val abandonedWait: id: int64 -> s: LockState -> struct (LockState * int64 voption)

    /// release(): Error when the lock is not held; otherwise unlocked, and the head of the line woken.
    val release: s: LockState -> Result<struct (LockState * int64 voption), unit>
