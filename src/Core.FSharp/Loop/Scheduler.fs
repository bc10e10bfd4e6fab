namespace Aio.Core

type ScheduleRefusal = | LoopIsClosed

type RunRefusal =
    | RunOnClosedLoop
    | AlreadyRunning
    | AnotherLoopRunning
    | CloseWhileRunning

[<Struct>]
type WaitDecision =
    | Proceed
    | SleepFor of seconds: float
    | AdvanceClockTo of instant: float
    | BlockUntilSignalled

type ClockPolicy =
    | RealClock
    | VirtualClock

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
        Waited: bool
    }

[<Struct>]
type Iteration<'H> =
    | ReadClock
    | Wait of wait: WaitDecision
    | RunBatch of due: 'H array * first: int64 * last: int64

module Scheduler =

    let empty: LoopState =
        {
            Ready = ReadyQueue.empty
            BatchEnd = 0L
            NextTimerSeq = 0L
            Stopping = false
            Closed = false
            Running = false
            Iterations = 0L
            Waited = false
        }

    let callSoon (s: LoopState) : Result<struct (LoopState * int64), ScheduleRefusal> =
        if s.Closed then
            Error LoopIsClosed
        else
            let struct (ready, number) = ReadyQueue.enqueue s.Ready
            Ok(struct ({ s with Ready = ready }, number))

    // Out of line for the reason given at TaskState's step rows: callAt's frame was 488 bytes, zeroed per timer.
    [<System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)>]
    let private scheduled
        (deadline: float)
        (h: 'H)
        (s: LoopState)
        (timers: TimerQueue<'H>)
        : Result<struct (LoopState * TimerQueue<'H> * TimerKey), ScheduleRefusal> =
        let key =
            {
                Deadline = deadline
                Seq = s.NextTimerSeq
            }

        Ok(
            struct ({ s with
                        NextTimerSeq = s.NextTimerSeq + 1L
                    },
                    TimerQueue.add key h timers,
                    key)
        )

    let callAt
        (deadline: float)
        (h: 'H)
        (s: LoopState)
        (timers: TimerQueue<'H>)
        : Result<struct (LoopState * TimerQueue<'H> * TimerKey), ScheduleRefusal> =
        if s.Closed then
            Error LoopIsClosed
        else
            scheduled deadline h s timers

    let cancelTimer (key: TimerKey) (s: LoopState) (timers: TimerQueue<'H>) =
        // close() already discarded every timer.
        if s.Closed then timers else TimerQueue.remove key timers

    let stop (s: LoopState) = { s with Stopping = true }

    let startRun (anotherLoopRunning: bool) (s: LoopState) : Result<LoopState, RunRefusal> =
        if s.Closed then Error RunOnClosedLoop
        elif s.Running then Error AlreadyRunning
        elif anotherLoopRunning then Error AnotherLoopRunning
        else Ok { s with Running = true }

    let endRun (s: LoopState) =
        { s with
            Running = false
            Stopping = false
            Waited = false
        }

    let close (s: LoopState) (_: TimerQueue<'H>) : Result<struct (LoopState * TimerQueue<'H>), RunRefusal> =
        if s.Running then
            Error CloseWhileRunning
        else
            Ok(
                struct ({ s with
                            Ready = { s.Ready with Head = s.Ready.Tail }
                            BatchEnd = s.Ready.Tail
                            Closed = true
                        },
                        TimerQueue.empty)
            )

    let pollTimeout (now: float) (s: LoopState) (timers: TimerQueue<'H>) : float voption =
        if not (ReadyQueue.isEmpty s.Ready) || s.Stopping then
            ValueSome 0.0
        else
            match TimerQueue.tryEarliest timers with
            | ValueSome k -> ValueSome(max 0.0 (k.Deadline - now))
            | ValueNone -> ValueNone

    let proceedsAtOnce (inboxPending: bool) (s: LoopState) =
        inboxPending || s.Stopping || not (ReadyQueue.isEmpty s.Ready)

    let decideWait (policy: ClockPolicy) (now: float) (inboxPending: bool) (s: LoopState) (timers: TimerQueue<'H>) =
        match
            (if inboxPending then
                 ValueSome 0.0
             else
                 pollTimeout now s timers),
            policy
        with
        | ValueSome 0.0, _ -> Proceed
        // A timer at infinity never fires: waiting for it is waiting for the inbox.
        | ValueSome dt, _ when System.Double.IsPositiveInfinity dt -> BlockUntilSignalled
        | ValueSome dt, RealClock -> SleepFor dt
        | ValueSome dt, VirtualClock -> AdvanceClockTo(now + dt)
        | ValueNone, _ -> BlockUntilSignalled

    let runOnce
        (now: float)
        (resolution: float)
        (s: LoopState)
        (timers: TimerQueue<'H>)
        : struct (LoopState * TimerQueue<'H> * 'H[] * int) =
        let struct (payloads, timers) = TimerQueue.popDueItems (now + resolution) timers
        let struct (ready, _) = ReadyQueue.enqueueMany payloads.Length s.Ready

        struct ({ s with
                    Ready = ready
                    BatchEnd = ready.Tail
                    Iterations = s.Iterations + 1L
                },
                timers,
                payloads,
                ReadyQueue.count ready)

    let next (policy: ClockPolicy) (now: float) (resolution: float) (s: LoopState) (timers: TimerQueue<'H>) =
        if TimerQueue.isEmpty timers then
            // The busy loop's path, in one record copy: nothing can fall due and no clock is needed.
            if s.Waited || s.Stopping || not (ReadyQueue.isEmpty s.Ready) then
                let tail = s.Ready.Tail

                struct ({ s with
                            BatchEnd = tail
                            Iterations = s.Iterations + 1L
                            Waited = false
                        },
                        timers,
                        RunBatch(System.Array.Empty<'H>(), s.Ready.Head, tail))
            else
                struct ({ s with Waited = true }, timers, Wait BlockUntilSignalled)
        // Reading a real clock costs more than the rest of a busy iteration, so the shell reads it only
        // when asked; only timers look at it.
        elif System.Double.IsNaN now then
            struct (s, timers, ReadClock)
        else
            let wait =
                // One wait per iteration: woken early (a submission, a signal) it runs what is due then.
                if s.Waited || proceedsAtOnce false s then
                    Proceed
                else
                    decideWait policy now false s timers

            match wait with
            | Proceed ->
                let struct (s, timers, due, _) = runOnce now resolution s timers
                struct ({ s with Waited = false }, timers, RunBatch(due, s.Ready.Head, s.BatchEnd))
            | w -> struct ({ s with Waited = true }, timers, Wait w)

    let batchInterrupted (resumeAt: int64) (s: LoopState) =
        { s with
            Ready = { s.Ready with Head = resumeAt }
            BatchEnd = resumeAt
        }

    let endIteration (s: LoopState) : struct (LoopState * bool) =
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
