namespace Aio.Core

/// Structural invariants of the core's values, checked by the property suite after every transition.
/// Each returns the list of violations (empty when the value is well formed).
module Invariants =

    let checkLoop (s: LoopState<'H>) : string list =
        let readyIds = ReadyQueue.toList s.Ready |> List.map (fun (struct (id, _)) -> id)

        let timerKeys = TimerQueue.toList s.Timers |> List.map fst

        [
            if s.BatchLeft < 0 || s.BatchLeft > ReadyQueue.count s.Ready then
                sprintf "batch snapshot %d outside 0..%d queued entries" s.BatchLeft (ReadyQueue.count s.Ready)
            if List.length readyIds <> ReadyQueue.count s.Ready then
                "ready queue count disagrees with its items"
            if not (Set.isSubset s.CancelledReady (Set.ofList readyIds)) then
                "a cancelled ready id is not in the ready queue"
            if List.distinct readyIds <> readyIds then
                "a ready id is queued twice"
            if
                readyIds |> List.exists (fun id -> id >= s.NextSeq)
                || timerKeys |> List.exists (fun k -> k.Seq >= s.NextSeq)
            then
                "an id is not below the next sequence number"
            if timerKeys <> List.sort timerKeys then
                "timers are not in (deadline, sequence) order"
            if s.Closed && not (ReadyQueue.isEmpty s.Ready && TimerQueue.isEmpty s.Timers) then
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
        ]

    let checkFuture (s: FutureState<'T, 'Cb>) : string list =
        match s with
        | Failed(e, _) when obj.ReferenceEquals(e, null) -> [ "a future failed with a null exception" ]
        | _ -> []
