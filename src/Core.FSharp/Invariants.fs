namespace Aio.Core

module Invariants =

    let checkLoop (s: LoopState) (timers: TimerQueue<'H>) : string list =
        let timerKeys = TimerQueue.toList timers |> List.map fst

        [
            if s.Ready.Head > s.Ready.Tail then
                sprintf "ready queue head %d is past its tail %d" s.Ready.Head s.Ready.Tail
            if s.BatchEnd > s.Ready.Tail then
                sprintf "the iteration snapshot ends at %d, past the queue's tail %d" s.BatchEnd s.Ready.Tail
            if timerKeys |> List.exists (fun k -> k.Seq >= s.NextTimerSeq) then
                "a timer's sequence number is not below the next one"
            if not (TimerQueue.isWellFormed timers) then
                "a timer run is unsorted or empty, or a cancelled timer is at the head of one or unsorted"
            if List.length timerKeys <> TimerQueue.count timers then
                "the timer count disagrees with the live timers"
            if s.Closed && not (ReadyQueue.isEmpty s.Ready && TimerQueue.isEmpty timers) then
                "a closed loop still holds work"
        ]

    let checkTask (s: TaskState<'W>) : string list =
        [
            if s.CancelRequests < 0 then
                "cancel request count is negative"
            if s.MustCancel && s.Phase = Done then
                "a done task still has a pending cancel"
            if s.MustCancel && s.CancelRequests = 0 then
                "a pending cancel without a cancel request"
            match s.Phase with
            | Suspended(_, true) -> ()
            | _ when s.Forwarding -> "a task passes a cancel to a waiter it is not suspended on"
            | _ -> ()
        ]

    let checkFuture (s: FutureState<'T, 'Cb>) : string list =
        match FutureState.failure s with
        | ValueSome e when obj.ReferenceEquals(e, null) -> [ "a future failed with a null exception" ]
        | _ -> []
