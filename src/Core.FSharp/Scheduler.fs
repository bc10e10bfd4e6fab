namespace Aio.Core

/// Why a scheduling call was refused.
type ScheduleRefusal = | LoopIsClosed

/// How the shell may wait before the next iteration (SEMANTICS §1.2 step 2), after the clock policy.
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

/// What the shell does next while running an iteration's batch.
[<Struct>]
type BatchItem<'H> =
    | RunHandle of handle: 'H
    | SkipCancelled
    | IterationDone

/// The loop's scheduling state (SEMANTICS §1.1), as an immutable value. 'H is the shell's handle payload.
/// `BatchLeft` is the part of the iteration snapshot not popped yet: anything queued after the
/// snapshot sits behind it and waits for a later iteration.
type LoopState<'H> =
    {
        Ready: ReadyQueue<struct (int64 * 'H)>
        Timers: TimerQueue<'H>
        /// Ids of ready entries cancelled while queued; they are skipped (and forgotten) when popped.
        CancelledReady: Set<int64>
        NextSeq: int64
        Stopping: bool
        Closed: bool
        BatchLeft: int
        Iterations: int64
    }

/// The pure scheduler: SEMANTICS §1.2–§1.4 as functions from state (and time) to state and decisions.
module Scheduler =

    let empty<'H> : LoopState<'H> =
        {
            Ready = ReadyQueue.empty
            Timers = TimerQueue.empty
            CancelledReady = Set.empty
            NextSeq = 0L
            Stopping = false
            Closed = false
            BatchLeft = 0
            Iterations = 0L
        }

    /// call_soon: FIFO at the end of the ready queue.
    let callSoon (h: 'H) (s: LoopState<'H>) : Result<struct (LoopState<'H> * HandleRef), ScheduleRefusal> =
        if s.Closed then
            Error LoopIsClosed
        else
            let id = s.NextSeq

            Ok(
                struct ({ s with
                            Ready = ReadyQueue.enqueue (struct (id, h)) s.Ready
                            NextSeq = id + 1L
                        },
                        SoonRef id)
            )

    /// call_at: ordered by (deadline, registration sequence).
    let callAt
        (deadline: float)
        (h: 'H)
        (s: LoopState<'H>)
        : Result<struct (LoopState<'H> * HandleRef), ScheduleRefusal> =
        if s.Closed then
            Error LoopIsClosed
        else
            let key = { Deadline = deadline; Seq = s.NextSeq }

            Ok(
                struct ({ s with
                            Timers = TimerQueue.add key h s.Timers
                            NextSeq = s.NextSeq + 1L
                        },
                        TimerRef key)
            )

    /// Takes a queued handle out of the loop's queues (the handle's own HandleState decided it was queued).
    /// A timer still waiting is removed outright; a ready entry is remembered and skipped when popped.
    let cancel (r: HandleRef) (s: LoopState<'H>) =
        match r with
        | TimerRef k when TimerQueue.contains k s.Timers ->
            { s with
                Timers = TimerQueue.remove k s.Timers
            }
        | _ when s.Closed -> s
        | _ ->
            { s with
                CancelledReady = Set.add r.Id s.CancelledReady
            }

    let stop (s: LoopState<'H>) = { s with Stopping = true }

    /// close(): the queues are discarded without running anything.
    let close (s: LoopState<'H>) =
        { s with
            Ready = ReadyQueue.empty
            Timers = TimerQueue.empty
            CancelledReady = Set.empty
            BatchLeft = 0
            Closed = true
        }

    let liveReadyCount (s: LoopState<'H>) =
        ReadyQueue.count s.Ready - Set.count s.CancelledReady

    /// Step 2: how long the poll may block, before any clock policy: None = forever.
    let pollTimeout (now: float) (s: LoopState<'H>) : float voption =
        if not (ReadyQueue.isEmpty s.Ready) || s.Stopping then
            ValueSome 0.0
        else
            match TimerQueue.tryEarliest s.Timers with
            | ValueSome k -> ValueSome(max 0.0 (k.Deadline - now))
            | ValueNone -> ValueNone

    /// Step 2 under a clock policy: a virtual clock never sleeps; it jumps to the next deadline.
    /// `inboxPending`: thread-safe submissions are waiting, so the poll must not block.
    let decideWait (policy: ClockPolicy) (now: float) (inboxPending: bool) (s: LoopState<'H>) =
        match (if inboxPending then ValueSome 0.0 else pollTimeout now s), policy with
        | ValueSome 0.0, _ -> Proceed
        | ValueSome dt, RealClock -> SleepFor dt
        | ValueSome dt, VirtualClock -> AdvanceClockTo(now + dt)
        | ValueNone, _ -> BlockUntilSignalled

    /// Steps 4–5 of one iteration: every timer with deadline < now + resolution moves, in
    /// (deadline, sequence) order, behind what is already queued; then the snapshot is taken.
    /// Returns the number of entries this iteration will pop.
    let runOnce (now: float) (resolution: float) (s: LoopState<'H>) : struct (LoopState<'H> * int) =
        let struct (due, timers) = TimerQueue.popDue (now + resolution) s.Timers

        let ready =
            due
            |> List.fold (fun q (k: TimerKey, h) -> ReadyQueue.enqueue (struct (k.Seq, h)) q) s.Ready

        let n = ReadyQueue.count ready

        struct ({ s with
                    Ready = ready
                    Timers = timers
                    BatchLeft = n
                    Iterations = s.Iterations + 1L
                },
                n)

    /// Step 5, one entry at a time, so that a handle cancelled by an earlier callback of the same
    /// iteration is skipped.
    let next (s: LoopState<'H>) : struct (LoopState<'H> * BatchItem<'H>) =
        if s.BatchLeft <= 0 then
            struct (s, IterationDone)
        else
            match ReadyQueue.tryDequeue s.Ready with
            | struct (ValueSome(struct (id, h)), rest) ->
                let s' =
                    { s with
                        Ready = rest
                        BatchLeft = s.BatchLeft - 1
                    }

                if Set.contains id s.CancelledReady then
                    struct ({ s' with
                                CancelledReady = Set.remove id s.CancelledReady
                            },
                            SkipCancelled)
                else
                    struct (s', RunHandle h)
            | struct (ValueNone, _) -> struct ({ s with BatchLeft = 0 }, IterationDone)

    /// After an iteration: run_forever stops iff `stop()` was seen; the flag is cleared for the next run.
    let endIteration (s: LoopState<'H>) : struct (LoopState<'H> * bool) =
        if s.Stopping then
            struct ({ s with Stopping = false }, true)
        else
            struct (s, false)
