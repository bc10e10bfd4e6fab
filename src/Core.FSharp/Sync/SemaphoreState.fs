namespace Aio.Core

/// asyncio.Semaphore and BoundedSemaphore (SEMANTICS §13): a count of permits and a FIFO line. A woken
/// waiter has its permit reserved (the count already went down); if it is cancelled before it runs, the
/// permit goes back and is passed on. Newcomers queue behind live waiters even when permits are free.
[<Struct>]
type SemaphoreState =
    {
        Value: int
        /// The initial value of a BoundedSemaphore, which may not be exceeded.
        Bound: int voption
        Waiters: WaiterQueue
    }

/// A misuse of a semaphore, reported as ValueError with asyncio's text.
type SemaphoreMisuse =
    | NegativeInitialValue
    | ReleasedTooManyTimes

module SemaphoreState =

    /// asyncio's message for a misuse.
    let misuseMessage misuse =
        match misuse with
        | NegativeInitialValue -> "Semaphore initial value must be >= 0"
        | ReleasedTooManyTimes -> "BoundedSemaphore released too many times"

    /// A semaphore with `value` permits; `bounded` makes release() refuse to exceed it.
    let create (value: int) (bounded: bool) : Result<SemaphoreState, SemaphoreMisuse> =
        if value < 0 then
            Error NegativeInitialValue
        else
            Ok
                {
                    Value = value
                    Bound = if bounded then ValueSome value else ValueNone
                    Waiters = WaiterQueue.empty
                }

    /// locked(): no permit, or a live waiter in line (it must run first).
    let locked (s: SemaphoreState) =
        s.Value = 0 || WaiterQueue.hasLive s.Waiters

    /// acquire(): a permit at once unless locked; otherwise wait in line.
    let acquire (s: SemaphoreState) : struct (SemaphoreState * AcquireStep) =
        if not (locked s) then
            struct ({ s with Value = s.Value - 1 }, AcquiredAtOnce)
        else
            let struct (q, id) = WaiterQueue.add s.Waiters
            struct ({ s with Waiters = q }, WaitAs id)

    // Wakes the first waiting waiter, reserving a permit for it.
    let private wakeNext (s: SemaphoreState) =
        let struct (q, woken) = WaiterQueue.wakeFirstWaiting s.Waiters

        match woken with
        | ValueSome _ ->
            struct ({ s with
                        Waiters = q
                        Value = s.Value - 1
                    },
                    woken)
        | ValueNone -> struct (s, woken)

    // While permits are free, wake waiters that had to queue (FIFO) for them.
    let private wakeWhileFree (s: SemaphoreState) =
        let rec go (s: SemaphoreState) acc =
            if s.Value <= 0 then
                s, List.rev acc
            else
                match wakeNext s with
                | struct (s, ValueSome id) -> go s (id :: acc)
                | struct (s, ValueNone) -> s, List.rev acc

        go s []

    /// The waiter's future was cancelled.
    let withdraw (id: int64) (s: SemaphoreState) =
        { s with
            Waiters = WaiterQueue.withdraw id s.Waiters
        }

    /// The waiter's await ended: normally (it holds its reserved permit) or with CancelledError. A waiter
    /// woken but cancelled before it ran gives its permit back. Either way, free permits then wake as many
    /// waiters as they allow.
    let waitEnded (id: int64) (cancelled: bool) (s: SemaphoreState) : SemaphoreState * int64 list =
        let status = WaiterQueue.statusOf id s.Waiters

        let s =
            { s with
                Waiters = WaiterQueue.remove id s.Waiters
            }

        let s =
            if cancelled && status = ValueSome Woken then
                { s with Value = s.Value + 1 }
            else
                s

        wakeWhileFree s

    /// release(): one more permit, handed to the first waiting waiter if there is one.
    let release (s: SemaphoreState) : Result<struct (SemaphoreState * int64 voption), SemaphoreMisuse> =
        match s.Bound with
        | ValueSome bound when s.Value >= bound -> Error ReleasedTooManyTimes
        | _ -> Ok(wakeNext { s with Value = s.Value + 1 })
