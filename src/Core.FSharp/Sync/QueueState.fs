namespace Aio.Core

type QueueRefusal =
    | QueueIsEmpty
    | QueueIsFull
    | QueueIsShutDown

[<Struct>]
type QueueEffects =
    {
        Wake: int64 voption
        SetFinished: bool
        ClearFinished: bool
    }

[<Struct>]
type QueueState =
    {
        Count: int
        MaxSize: int
        Unfinished: int
        IsShutDown: bool
        Getters: WaiterQueue
        Putters: WaiterQueue
    }

[<Struct>]
type QueueWaitStep =
    | Proceed
    | WaitInLine of waiter: int64
    | RefuseShutDown

module QueueState =

    let private nothing =
        {
            Wake = ValueNone
            SetFinished = false
            ClearFinished = false
        }

    let create (maxSize: int) =
        {
            Count = 0
            MaxSize = maxSize
            Unfinished = 0
            IsShutDown = false
            Getters = WaiterQueue.empty
            Putters = WaiterQueue.empty
        }

    let isFull (s: QueueState) = s.MaxSize > 0 && s.Count >= s.MaxSize

    let putNowait (s: QueueState) : Result<struct (QueueState * QueueEffects), QueueRefusal> =
        if s.IsShutDown then
            Error QueueIsShutDown
        elif isFull s then
            Error QueueIsFull
        else
            let struct (getters, woken) = WaiterQueue.popWakeNext s.Getters

            Ok(
                struct ({ s with
                            Count = s.Count + 1
                            Unfinished = s.Unfinished + 1
                            Getters = getters
                        },
                        { nothing with
                            Wake = woken
                            ClearFinished = s.Unfinished = 0
                        })
            )

    let getNowait (s: QueueState) : Result<struct (QueueState * QueueEffects), QueueRefusal> =
        if s.Count = 0 then
            Error(if s.IsShutDown then QueueIsShutDown else QueueIsEmpty)
        else
            let struct (putters, woken) = WaiterQueue.popWakeNext s.Putters

            Ok(
                struct ({ s with
                            Count = s.Count - 1
                            Putters = putters
                        },
                        { nothing with Wake = woken })
            )

    let startPut (s: QueueState) : struct (QueueState * QueueWaitStep) =
        if not (isFull s) then
            struct (s, Proceed)
        elif s.IsShutDown then
            struct (s, RefuseShutDown)
        else
            let struct (q, id) = WaiterQueue.add s.Putters
            struct ({ s with Putters = q }, WaitInLine id)

    let startGet (s: QueueState) : struct (QueueState * QueueWaitStep) =
        if s.Count > 0 then
            struct (s, Proceed)
        elif s.IsShutDown then
            struct (s, RefuseShutDown)
        else
            let struct (q, id) = WaiterQueue.add s.Getters
            struct ({ s with Getters = q }, WaitInLine id)

    let putterFailed (id: int64) (wasWoken: bool) (s: QueueState) : struct (QueueState * QueueEffects) =
        let s =
            { s with
                Putters = WaiterQueue.remove id s.Putters
            }

        if not (isFull s) && wasWoken then
            let struct (q, woken) = WaiterQueue.popWakeNext s.Putters
            struct ({ s with Putters = q }, { nothing with Wake = woken })
        else
            struct (s, nothing)

    let getterFailed (id: int64) (wasWoken: bool) (s: QueueState) : struct (QueueState * QueueEffects) =
        let s =
            { s with
                Getters = WaiterQueue.remove id s.Getters
            }

        if s.Count > 0 && wasWoken then
            let struct (q, woken) = WaiterQueue.popWakeNext s.Getters
            struct ({ s with Getters = q }, { nothing with Wake = woken })
        else
            struct (s, nothing)

    let taskDone (s: QueueState) : Result<struct (QueueState * QueueEffects), unit> =
        if s.Unfinished <= 0 then
            Error()
        else
            let n = s.Unfinished - 1
            Ok(struct ({ s with Unfinished = n }, { nothing with SetFinished = (n = 0) }))

    let joinWaits (s: QueueState) = s.Unfinished > 0

    let withdrawGetter (id: int64) (s: QueueState) =
        { s with
            Getters = WaiterQueue.withdraw id s.Getters
        }

    let withdrawPutter (id: int64) (s: QueueState) =
        { s with
            Putters = WaiterQueue.withdraw id s.Putters
        }

    let shutdown (immediate: bool) (s: QueueState) : QueueState * int * int64 list * int64 list * bool =
        let dropped = if immediate then s.Count else 0
        let unfinished = max 0 (s.Unfinished - dropped)
        let struct (getters, wokenGetters) = WaiterQueue.popWakeAll s.Getters
        let struct (putters, wokenPutters) = WaiterQueue.popWakeAll s.Putters

        { s with
            IsShutDown = true
            Count = s.Count - dropped
            Unfinished = unfinished
            Getters = getters
            Putters = putters
        },
        dropped,
        wokenGetters,
        wokenPutters,
        (immediate && unfinished = 0)
