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
    let empty<'H> : LoopState<'H> =
        {
            Ready = ReadyQueue.empty
            BatchEnd = 0L
            Timers = TimerQueue.empty
            NextTimerSeq = 0L
            Stopping = false
            Closed = false
            Running = false
            Iterations = 0L
        }

    /// call_soon: FIFO at the end of the ready queue. Returns the new entry's number, under which the
    /// shell keeps the handle.
    let callSoon (s: LoopState<'H>) : Result<struct (LoopState<'H> * int64), ScheduleRefusal> =
        if s.Closed then
            Error LoopIsClosed
        else
            let struct (ready, number) = ReadyQueue.enqueue s.Ready
            Ok(struct ({ s with Ready = ready }, number))

    /// call_at: ordered by (deadline, registration sequence).
    let callAt
        (deadline: float)
        (h: 'H)
        (s: LoopState<'H>)
        : Result<struct (LoopState<'H> * TimerKey), ScheduleRefusal> =
        if s.Closed then
            Error LoopIsClosed
        else
            let key =
                {
                    Deadline = deadline
                    Seq = s.NextTimerSeq
                }

            Ok(
                struct ({ s with
                            Timers = TimerQueue.add key h s.Timers
                            NextTimerSeq = s.NextTimerSeq + 1L
                        },
                        key)
            )

    /// Cancels a timer still waiting in the timer queue (the handle's life says whether it is: see
    /// HandleState). It never keeps the loop waiting: the queue's top is always a live timer. A timer
    /// already moved to the ready queue is skipped when popped, like any cancelled ready entry.
    let cancelTimer (key: TimerKey) (s: LoopState<'H>) =
        // close() already discarded every timer.
        if s.Closed then
            s
        else
            { s with
                Timers = TimerQueue.remove key s.Timers
            }

    /// stop(): the current (or next) iteration is the last of this run.
    let stop (s: LoopState<'H>) = { s with Stopping = true }

    /// run_forever starts (SEMANTICS §1.4): refused on a closed loop, on a running one, and while another
    /// loop runs on this thread (the shell knows that and says so), checked in asyncio's order.
    let startRun (anotherLoopRunning: bool) (s: LoopState<'H>) : Result<LoopState<'H>, RunRefusal> =
        if s.Closed then Error RunOnClosedLoop
        elif s.Running then Error AlreadyRunning
        elif anotherLoopRunning then Error AnotherLoopRunning
        else Ok { s with Running = true }

    /// run_forever ends: not running, and a stop() is consumed.
    let endRun (s: LoopState<'H>) =
        { s with
            Running = false
            Stopping = false
        }

    /// close(): the queues are discarded without running anything; idempotent; refused while running.
    let close (s: LoopState<'H>) : Result<LoopState<'H>, RunRefusal> =
        if s.Running then
            Error CloseWhileRunning
        else
            Ok
                { s with
                    Ready = { s.Ready with Head = s.Ready.Tail }
                    BatchEnd = s.Ready.Tail
                    Timers = TimerQueue.empty
                    Closed = true
                }

    /// Step 2: how long the poll may block, before any clock policy: None = forever.
    let pollTimeout (now: float) (s: LoopState<'H>) : float voption =
        if not (ReadyQueue.isEmpty s.Ready) || s.Stopping then
            ValueSome 0.0
        else
            match TimerQueue.tryEarliest s.Timers with
            | ValueSome k -> ValueSome(max 0.0 (k.Deadline - now))
            | ValueNone -> ValueNone

    /// True when the next iteration may start without waiting, whatever the clock says: something is
    /// ready, stop() was called, or thread-safe submissions are waiting. Reading a clock costs more than
    /// an iteration's bookkeeping, so the shell asks this first.
    let proceedsAtOnce (inboxPending: bool) (s: LoopState<'H>) =
        inboxPending || s.Stopping || not (ReadyQueue.isEmpty s.Ready)

    /// Only timers look at the clock: without any, runOnce needs no reading of it.
    let needsClock (s: LoopState<'H>) = not (TimerQueue.isEmpty s.Timers)

    /// Step 2 under a clock policy: a virtual clock never sleeps; it jumps to the next deadline.
    /// `inboxPending`: thread-safe submissions are waiting, so the poll must not block.
    let decideWait (policy: ClockPolicy) (now: float) (inboxPending: bool) (s: LoopState<'H>) =
        match (if inboxPending then ValueSome 0.0 else pollTimeout now s), policy with
        | ValueSome 0.0, _ -> Proceed
        // A timer at infinity never fires: waiting for it is waiting for the inbox.
        | ValueSome dt, _ when System.Double.IsPositiveInfinity dt -> BlockUntilSignalled
        | ValueSome dt, RealClock -> SleepFor dt
        | ValueSome dt, VirtualClock -> AdvanceClockTo(now + dt)
        | ValueNone, _ -> BlockUntilSignalled

    /// Steps 4–5 of one iteration: every timer with deadline < now + resolution moves, in
    /// (deadline, sequence) order, behind what is already queued; then the snapshot is taken.
    /// Returns the due timers' payloads, which the shell appends in this order (their entry numbers
    /// continue the queue), and the number of entries this iteration will pop.
    let runOnce (now: float) (resolution: float) (s: LoopState<'H>) : struct (LoopState<'H> * 'H[] * int) =
        let struct (payloads, timers) = TimerQueue.popDueItems (now + resolution) s.Timers
        let struct (ready, _) = ReadyQueue.enqueueMany payloads.Length s.Ready

        struct ({ s with
                    Ready = ready
                    Timers = timers
                    BatchEnd = ready.Tail
                    Iterations = s.Iterations + 1L
                },
                payloads,
                ReadyQueue.count ready)

    /// Step 5: the iteration runs the ready entries numbered [first, last) — its snapshot — in order,
    /// each unless its handle was cancelled by the time its turn comes (HandleState.shouldRun).
    /// Entries appended while they run wait for a later iteration. One decision per iteration rather
    /// than one per entry keeps the loop's hottest path free of state copies.
    let batch (s: LoopState<'H>) = struct (s.Ready.Head, s.BatchEnd)

    /// After an iteration: run_forever stops iff `stop()` was seen; the flag is cleared for the next run.
    /// The batch's entries are consumed with it.
    let endIteration (s: LoopState<'H>) : struct (LoopState<'H> * bool) =
        let s =
            { s with
                Ready =
                    { s.Ready with
                        Head = max s.Ready.Head s.BatchEnd
                    }
            }

        if s.Stopping then
            struct ({ s with Stopping = false }, true)
        else
            struct (s, false)
