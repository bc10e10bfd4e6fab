namespace Aio.Core

[<Struct>]
type EventState = { IsSet: bool; Waiters: WaiterQueue }

module EventState =

    let create () =
        {
            IsSet = false
            Waiters = WaiterQueue.empty
        }

    let startWait (s: EventState) : struct (EventState * int64 voption) =
        if s.IsSet then
            struct (s, ValueNone)
        else
            let struct (q, id) = WaiterQueue.add s.Waiters
            struct ({ s with Waiters = q }, ValueSome id)

    let withdraw (id: int64) (s: EventState) =
        { s with
            Waiters = WaiterQueue.withdraw id s.Waiters
        }

    let waitEnded (id: int64) (s: EventState) =
        { s with
            Waiters = WaiterQueue.remove id s.Waiters
        }

    let set (s: EventState) : EventState * int64 list =
        if s.IsSet then
            s, []
        else
            let struct (q, woken) = WaiterQueue.wakeWaiting System.Int32.MaxValue s.Waiters
            { IsSet = true; Waiters = q }, woken

    let clear (s: EventState) = { s with IsSet = false }
