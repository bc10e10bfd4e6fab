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

    /// A queue of at most `maxSize` items (0 or less: unbounded).
    val create: maxSize: int -> QueueState

    /// full(): bounded and at its size.
    val isFull: s: QueueState -> bool

    /// put_nowait(): the shell stores the item, then wakes the getter named.
    val putNowait: s: QueueState -> Result<struct (QueueState * QueueEffects), QueueRefusal>

    /// get_nowait(): the shell takes the next item, then wakes the putter named.
    val getNowait: s: QueueState -> Result<struct (QueueState * QueueEffects), QueueRefusal>

    /// put(): proceed unless full; while full, wait in line (or refuse after shutdown).
    val startPut: s: QueueState -> struct (QueueState * QueueWaitStep)

    /// get(): proceed unless empty; while empty, wait in line (or refuse after shutdown).
    val startGet: s: QueueState -> struct (QueueState * QueueWaitStep)

    /// A waiting putter's await raised (it was cancelled): it leaves the line; if it had been woken and
    /// there is room, the next putter is woken in its place.
    val putterFailed: id: int64 -> wasWoken: bool -> s: QueueState -> struct (QueueState * QueueEffects)

    /// A waiting getter's await raised: it leaves the line; if it had been woken and items remain, the
    /// next getter is woken in its place.
    val getterFailed: id: int64 -> wasWoken: bool -> s: QueueState -> struct (QueueState * QueueEffects)

    /// task_done(): Error when no item is unfinished.
    val taskDone: s: QueueState -> Result<struct (QueueState * QueueEffects), unit>

    /// join() has to wait: some item is unfinished.
    val joinWaits: s: QueueState -> bool

    /// A waiting getter's future was cancelled: it is passed over when getters are woken.
    val withdrawGetter: id: int64 -> s: QueueState -> QueueState

    /// A waiting putter's future was cancelled: it is passed over when putters are woken.
    val withdrawPutter: id: int64 -> s: QueueState -> QueueState

    /// shutdown(immediate): later puts are refused; with `immediate` the items are dropped (the number to
    /// drop is returned), each counting as done. Every blocked getter, then every blocked putter, is woken in
    /// line order to re-check.
    val shutdown: immediate: bool -> s: QueueState -> QueueState * int * int64 list * int64 list * bool
