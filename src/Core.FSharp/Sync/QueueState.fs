namespace Aio.Core

/// Why a queue operation that does not wait is refused (QueueEmpty, QueueFull, QueueShutDown).
type QueueRefusal =
    | QueueIsEmpty
    | QueueIsFull
    | QueueIsShutDown

/// What the shell does after a queue transition, with every operand.
[<Struct>]
type QueueEffects =
    {
        /// Wake this getter (or putter).
        Wake: int64 voption
        /// The unfinished count reached zero: set the event join() waits on.
        SetFinished: bool
        /// An item was added while none was unfinished: clear that event.
        ClearFinished: bool
    }

/// asyncio.Queue's bookkeeping (SEMANTICS §13; PriorityQueue and LifoQueue differ only in which item the
/// shell's store hands out). The items themselves stay in the shell's store, so a put or get that does not
/// wait allocates nothing; the core decides counts, refusals and whom to wake. Woken getters and putters
/// leave their line at once, and re-check when they run: a woken getter takes whatever item is first.
[<Struct>]
type QueueState =
    {
        Count: int
        /// 0 or less: unbounded.
        MaxSize: int
        Unfinished: int
        IsShutDown: bool
        Getters: WaiterQueue
        Putters: WaiterQueue
    }

/// How a waiting put or get goes on.
[<Struct>]
type QueueWaitStep =
    /// Do the operation now (the condition it waited for holds).
    | Proceed
    /// Wait as this waiter, then ask again.
    | WaitInLine of waiter: int64
    /// Raise QueueShutDown.
    | RefuseShutDown

module QueueState =

    let private nothing =
        {
            Wake = ValueNone
            SetFinished = false
            ClearFinished = false
        }

    /// A queue of at most `maxSize` items (0 or less: unbounded).
    let create (maxSize: int) =
        {
            Count = 0
            MaxSize = maxSize
            Unfinished = 0
            IsShutDown = false
            Getters = WaiterQueue.empty
            Putters = WaiterQueue.empty
        }

    /// full(): bounded and at its size.
    let isFull (s: QueueState) = s.MaxSize > 0 && s.Count >= s.MaxSize

    /// put_nowait(): the shell stores the item, then wakes the getter named.
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

    /// get_nowait(): the shell takes the next item, then wakes the putter named.
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

    /// put(): proceed unless full; while full, wait in line (or refuse after shutdown).
    let startPut (s: QueueState) : struct (QueueState * QueueWaitStep) =
        if not (isFull s) then
            struct (s, Proceed)
        elif s.IsShutDown then
            struct (s, RefuseShutDown)
        else
            let struct (q, id) = WaiterQueue.add s.Putters
            struct ({ s with Putters = q }, WaitInLine id)

    /// get(): proceed unless empty; while empty, wait in line (or refuse after shutdown).
    let startGet (s: QueueState) : struct (QueueState * QueueWaitStep) =
        if s.Count > 0 then
            struct (s, Proceed)
        elif s.IsShutDown then
            struct (s, RefuseShutDown)
        else
            let struct (q, id) = WaiterQueue.add s.Getters
            struct ({ s with Getters = q }, WaitInLine id)

    /// A waiting putter's await raised (it was cancelled): it leaves the line; if it had been woken and
    /// there is room, the next putter is woken in its place.
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

    /// A waiting getter's await raised: it leaves the line; if it had been woken and items remain, the
    /// next getter is woken in its place.
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

    /// task_done(): Error when no item is unfinished.
    let taskDone (s: QueueState) : Result<struct (QueueState * QueueEffects), unit> =
        if s.Unfinished <= 0 then
            Error()
        else
            let n = s.Unfinished - 1
            Ok(struct ({ s with Unfinished = n }, { nothing with SetFinished = (n = 0) }))

    /// join() has to wait: some item is unfinished.
    let joinWaits (s: QueueState) = s.Unfinished > 0

    /// A waiting getter's future was cancelled: it is passed over when getters are woken.
    let withdrawGetter (id: int64) (s: QueueState) =
        { s with
            Getters = WaiterQueue.withdraw id s.Getters
        }

    /// A waiting putter's future was cancelled: it is passed over when putters are woken.
    let withdrawPutter (id: int64) (s: QueueState) =
        { s with
            Putters = WaiterQueue.withdraw id s.Putters
        }

    /// shutdown(immediate): later puts are refused; with `immediate` the items are dropped (the number to
    /// drop is returned), each counting as done. Every blocked getter, then every blocked putter, is woken in
    /// line order to re-check.
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
