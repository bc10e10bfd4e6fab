namespace Aio.Core

/// Why a scheduling call was refused.
type ScheduleRefusal = | LoopIsClosed

/// Why run_forever / run_until_complete (or close) refused (SEMANTICS §1.4).
type RunRefusal =
    | RunOnClosedLoop
    | AlreadyRunning
    | AnotherLoopRunning
    | CloseWhileRunning

/// How the shell may wait before the next iteration (SEMANTICS §1.2 step 2), after the clock policy.
/// A struct: a virtual clock decides once per iteration.
[<Struct>]
type WaitDecision =

    /// Start the next iteration at once.
    | Proceed

    /// Block on the thread-safe inbox for at most this many seconds.
    | SleepFor of seconds: float

    /// Virtual clock: set the clock to this instant and proceed without sleeping.
    | AdvanceClockTo of instant: float

    /// Nothing is ready and no timer exists: block until the inbox is signalled.
    | BlockUntilSignalled

/// Real clock: sleep until the next deadline. Virtual clock (Trio's autojump): when nothing is ready,
/// jump to the next deadline instead of sleeping.
type ClockPolicy =
    | RealClock
    | VirtualClock

/// The loop's scheduling state (SEMANTICS §1.1), as a struct value never changed in place. 'H is the shell's timer
/// payload. Ready entries with numbers below `BatchEnd` form the running iteration's snapshot: anything
/// appended after the snapshot sits behind it and waits for a later iteration.
[<Struct>]
type LoopState<'H> =
    {
        Ready: ReadyQueue
        BatchEnd: int64
        Timers: TimerQueue<'H>
        NextTimerSeq: int64
        Stopping: bool
        Closed: bool
        Running: bool
        Iterations: int64
    }

/// The pure scheduler: SEMANTICS §1.2–§1.4 as functions from state (and time) to state and decisions.
module Scheduler =

    /// A new loop: nothing queued, not stopping, not closed.
    val empty<'H> : LoopState<'H>

    /// call_soon: FIFO at the end of the ready queue. Returns the new entry's number, under which the
    /// shell keeps the handle.
    val callSoon: s: LoopState<'H> -> Result<struct (LoopState<'H> * int64), ScheduleRefusal>

    /// call_at: ordered by (deadline, registration sequence).
    val callAt:
        deadline: float -> h: 'H -> s: LoopState<'H> -> Result<struct (LoopState<'H> * TimerKey), ScheduleRefusal>

    /// Cancels a timer still waiting in the timer queue (the handle's life says whether it is: see
    /// HandleState). It never keeps the loop waiting: the queue's top is always a live timer. A timer
    /// already moved to the ready queue is skipped when popped, like any cancelled ready entry.
    val cancelTimer: key: TimerKey -> s: LoopState<'H> -> LoopState<'H>

    /// stop(): the current (or next) iteration is the last of this run.
    val stop: s: LoopState<'H> -> LoopState<'H>

    /// run_forever starts (SEMANTICS §1.4): refused on a closed loop, on a running one, and while another
    /// loop runs on this thread (the shell knows that and says so), checked in asyncio's order.
    val startRun: anotherLoopRunning: bool -> s: LoopState<'H> -> Result<LoopState<'H>, RunRefusal>

    /// run_forever ends: not running, and a stop() is consumed.
    val endRun: s: LoopState<'H> -> LoopState<'H>

    /// close(): the queues are discarded without running anything; idempotent; refused while running.
    val close: s: LoopState<'H> -> Result<LoopState<'H>, RunRefusal>

    /// Step 2: how long the poll may block, before any clock policy: None = forever.
    val pollTimeout: now: float -> s: LoopState<'H> -> float voption

    /// True when the next iteration may start without waiting, whatever the clock says: something is
    /// ready, stop() was called, or thread-safe submissions are waiting. Reading a clock costs more than
    /// an iteration's bookkeeping, so the shell asks this first.
    val proceedsAtOnce: inboxPending: bool -> s: LoopState<'H> -> bool

    /// Only timers look at the clock: without any, runOnce needs no reading of it.
    val needsClock: s: LoopState<'H> -> bool

    /// Step 2 under a clock policy: a virtual clock never sleeps; it jumps to the next deadline.
    /// `inboxPending`: thread-safe submissions are waiting, so the poll must not block.
    val decideWait: policy: ClockPolicy -> now: float -> inboxPending: bool -> s: LoopState<'H> -> WaitDecision

    /// Steps 4–5 of one iteration: every timer with deadline < now + resolution moves, in
    /// (deadline, sequence) order, behind what is already queued; then the snapshot is taken.
    /// Returns the due timers' payloads, which the shell appends in this order (their entry numbers
    /// continue the queue), and the number of entries this iteration will pop.
    val runOnce: now: float -> resolution: float -> s: LoopState<'H> -> struct (LoopState<'H> * 'H array * int)

    /// Step 5: the iteration runs the ready entries numbered [first, last) — its snapshot — in order,
    /// each unless its handle was cancelled by the time its turn comes (HandleState.shouldRun).
    /// Entries appended while they run wait for a later iteration. One decision per iteration rather
    /// than one per entry keeps the loop's hottest path free of state copies.
    val batch: s: LoopState<'H> -> struct (int64 * int64)

    /// After an iteration: run_forever stops iff `stop()` was seen; the flag is cleared for the next run.
    /// The batch's entries are consumed with it.
    val endIteration: s: LoopState<'H> -> struct (LoopState<'H> * bool)
