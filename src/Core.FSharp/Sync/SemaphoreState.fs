namespace Aio.Core

[<Struct>]
type SemaphoreState =
    {
        Value: int
        Bound: int voption
        Waiters: WaiterQueue
    }

type SemaphoreMisuse =
    | NegativeInitialValue
    | ReleasedTooManyTimes

module SemaphoreState =

    let misuseMessage misuse =
        match misuse with
        | NegativeInitialValue -> "Semaphore initial value must be >= 0"
        | ReleasedTooManyTimes -> "BoundedSemaphore released too many times"

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

    let locked (s: SemaphoreState) =
        s.Value = 0 || WaiterQueue.hasLive s.Waiters

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

    let withdraw (id: int64) (s: SemaphoreState) =
        { s with
            Waiters = WaiterQueue.withdraw id s.Waiters
        }

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

    let release (s: SemaphoreState) : Result<struct (SemaphoreState * int64 voption), SemaphoreMisuse> =
        match s.Bound with
        | ValueSome bound when s.Value >= bound -> Error ReleasedTooManyTimes
        | _ -> Ok(wakeNext { s with Value = s.Value + 1 })
