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
    val misuseMessage: misuse: SemaphoreMisuse -> string

    /// A semaphore with `value` permits; `bounded` makes release() refuse to exceed it.
    val create: value: int -> bounded: bool -> Result<SemaphoreState, SemaphoreMisuse>

    /// locked(): no permit, or a live waiter in line (it must run first).
    val locked: s: SemaphoreState -> bool

    /// acquire(): a permit at once unless locked; otherwise wait in line.
    val acquire: s: SemaphoreState -> struct (SemaphoreState * AcquireStep)

    /// The waiter's future was cancelled.
    val withdraw: id: int64 -> s: SemaphoreState -> SemaphoreState

    /// The waiter's await ended: normally (it holds its reserved permit) or with CancelledError. A waiter
    /// woken but cancelled before it ran gives its permit back. Either way, free permits then wake as many
    /// waiters as they allow.
    val waitEnded: id: int64 -> cancelled: bool -> s: SemaphoreState -> SemaphoreState * int64 list

    /// release(): one more permit, handed to the first waiting waiter if there is one.
    val release: s: SemaphoreState -> Result<struct (SemaphoreState * int64 voption), SemaphoreMisuse>
