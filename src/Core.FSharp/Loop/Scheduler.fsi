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

/// The loop's scheduling state (SEMANTICS §1.1) apart from its timers, as a struct value never changed in
/// place. Ready entries with numbers below `BatchEnd` form the running iteration's snapshot: anything
/// appended after the snapshot sits behind it and waits for a later iteration. It holds numbers and
/// flags only: every call_soon stores a new one, and a value without references is stored without a
/// GC write barrier. The timers (a `TimerQueue`, 'H being the shell's timer payload) are the other half
/// of the loop's state, passed beside it to the functions that read or change them.
[<Struct>]
type LoopState =
    {
        Ready: ReadyQueue
        BatchEnd: int64
        NextTimerSeq: int64
        Stopping: bool
        Closed: bool
        Running: bool
        Iterations: int64
        /// This iteration already waited (it was told to, and the shell came back): it runs next.
        Waited: bool
    }

/// What the shell does next in an iteration (SEMANTICS §1.2), decided in one call: read the real clock
/// and ask again, wait as told (a wait is never `Proceed`) and ask again, or run the batch — append the
/// due timers' payloads to the ready queue in this order (their entry numbers continue it), then run
/// the entries numbered [first, last), each unless its handle was cancelled by its turn.
[<Struct>]
type Iteration<'H> =
    | ReadClock
    | Wait of wait: WaitDecision
    | RunBatch of due: 'H array * first: int64 * last: int64

/// The pure scheduler: SEMANTICS §1.2–§1.4 as functions from state (and time) to state and decisions.
module Scheduler =

    /// A new loop: nothing queued, not stopping, not closed.
    val empty: LoopState

    /// call_soon: FIFO at the end of the ready queue. Returns the new entry's number, under which the
    /// shell keeps the handle.
    val callSoon: s: LoopState -> Result<struct (LoopState * int64), ScheduleRefusal>

    /// call_at: ordered by (deadline, registration sequence).
    val callAt:
        deadline: float ->
        h: 'H ->
        s: LoopState ->
        timers: TimerQueue<'H> ->
            Result<struct (LoopState * TimerQueue<'H> * TimerKey), ScheduleRefusal>

    /// Cancels a timer still waiting in the timer queue (the handle's life says whether it is: see
    /// HandleState). It never keeps the loop waiting: the queue's top is always a live timer. A timer
    /// already moved to the ready queue is skipped when popped, like any cancelled ready entry.
    val cancelTimer: key: TimerKey -> s: LoopState -> timers: TimerQueue<'H> -> TimerQueue<'H>

    /// stop(): the current (or next) iteration is the last of this run.
    val stop: s: LoopState -> LoopState

    /// run_forever starts (SEMANTICS §1.4): refused on a closed loop, on a running one, and while another
    /// loop runs on this thread (the shell knows that and says so), checked in asyncio's order.
    val startRun: anotherLoopRunning: bool -> s: LoopState -> Result<LoopState, RunRefusal>

    /// run_forever ends: not running, and a stop() is consumed.
    val endRun: s: LoopState -> LoopState

    /// close(): the queues are discarded without running anything; idempotent; refused while running.
    val close: s: LoopState -> timers: TimerQueue<'H> -> Result<struct (LoopState * TimerQueue<'H>), RunRefusal>

    /// Step 2: how long the poll may block, before any clock policy: None = forever.
    val internal pollTimeout: now: float -> s: LoopState -> timers: TimerQueue<'H> -> float voption

    /// True when the next iteration may start without waiting, whatever the clock says.
    val internal proceedsAtOnce: inboxPending: bool -> s: LoopState -> bool

    /// Step 2 under a clock policy: a virtual clock never sleeps; it jumps to the next deadline.
    val internal decideWait:
        policy: ClockPolicy ->
        now: float ->
        inboxPending: bool ->
        s: LoopState ->
        timers: TimerQueue<'H> ->
            WaitDecision

    /// Steps 4–5: every timer with deadline < now + resolution moves, in (deadline, sequence) order,
    /// behind what is already queued; then the snapshot is taken.
    val internal runOnce:
        now: float ->
        resolution: float ->
        s: LoopState ->
        timers: TimerQueue<'H> ->
            struct (LoopState * TimerQueue<'H> * 'H array * int)

    /// One iteration up to its batch, SEMANTICS §1.2 steps 1–5, with thread-safe submissions already
    /// appended by the shell: `now` is the clock's reading, or NaN when the shell has not read it (the
    /// answer is then ReadClock if the decision needs it). A wait is decided once per iteration; after it
    /// the shell asks again and gets the batch. With the batch run, `endIteration` decides whether the
    /// run goes on: the only other question an iteration asks, because stop() may come from the batch.
    val next:
        policy: ClockPolicy ->
        now: float ->
        resolution: float ->
        s: LoopState ->
        timers: TimerQueue<'H> ->
            struct (LoopState * TimerQueue<'H> * Iteration<'H>)

    /// A fatal exception left the batch at the entry numbered `resumeAt - 1`: the entries before it are
    /// consumed, the rest of the batch comes first in the next iteration. The run ends (the shell's
    /// run_forever unwinds, and `endRun` follows).
    val batchInterrupted: resumeAt: int64 -> s: LoopState -> LoopState

    /// After an iteration: run_forever stops iff `stop()` was seen; the flag is cleared for the next run.
    /// The batch's entries are consumed with it.
    val endIteration: s: LoopState -> struct (LoopState * bool)
