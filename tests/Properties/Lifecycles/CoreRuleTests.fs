/// Rules of SEMANTICS §1, §3 and §12 pinned on the core itself, each with the exact commands it must give
/// (issue 12, point 7): cases the generated histories reach only in some runs, or not at all.
module Aio.Properties.CoreRuleTests

open Xunit
open Aio.Core

let private ok r =
    match r with
    | Ok v -> v
    | Error e -> failwithf "refused: %A" e

// A task suspended on waiter "w", as the shell leaves it after its first step.
let private suspendedOnW () =
    let struct (s, _) = TaskState.create<string> ()
    let struct (s, _) = TaskState.startStep Go s

    let struct (s, commands) =
        TaskState.endStep (SuspendedOn OrdinaryWaiter) (ValueSome "w") s

    Assert.Equal<TaskCommand list>([ AddWakeup ], commands.ToList())
    s

// The shell's answer to a CancelWaiter: the waiter accepted.
let private accepted (s: TaskState<string>) =
    Assert.True(s.Forwarding, "a task that passed a cancel on waits for the answer")
    let struct (s, commands) = TaskState.waiterAnswered WaiterAccepted None s
    Assert.Empty(commands.ToList())
    Assert.False s.Forwarding
    s

[<Fact>]
let ``§1.4 stop() before run_forever(): the run does one iteration, then stops, and the next run is unaffected`` () =
    // Stopping: the iteration does not wait, and without timers it needs no clock (NaN: not read).
    let timers = TimerQueue.empty<int>
    let s = Scheduler.stop Scheduler.empty |> Scheduler.startRun false |> ok
    let struct (s, first) = Scheduler.callSoon s |> ok
    let struct (s, timers, step) = Scheduler.next RealClock nan 0.001 s timers
    Assert.Equal(RunBatch([||], first, first + 1L), step)
    let struct (s, stopNow) = Scheduler.endIteration s
    Assert.True(stopNow, "stop() made before the run ends it after its first iteration")
    let s = Scheduler.endRun s |> Scheduler.startRun false |> ok
    let struct (s, _) = Scheduler.callSoon s |> ok
    let struct (s, _, _) = Scheduler.next RealClock nan 0.001 s timers
    let struct (_, stopAgain) = Scheduler.endIteration s
    Assert.False(stopAgain, "the stop request was consumed by the run it ended")

[<Fact>]
let ``§3.4 a second cancel while the waiter is still pending cancels the waiter again, with its own message`` () =
    let s = suspendedOnW ()
    let struct (s, answer, commands) = TaskState.cancel (Some "a") false s
    Assert.Equal(CancelAccepted, answer)
    Assert.Equal<TaskCommand list>([ CancelWaiter(Some "a") ], commands.ToList())
    let s = accepted s
    let struct (s, answer, commands) = TaskState.cancel (Some "b") false s
    Assert.Equal(CancelAccepted, answer)
    Assert.Equal<TaskCommand list>([ CancelWaiter(Some "b") ], commands.ToList())
    let s = accepted s
    Assert.Equal(2, s.CancelRequests)
    Assert.False(s.MustCancel, "the waiter took both requests; nothing is left to raise at the await")
    Assert.Equal(Suspended("w", true), s.Phase)

[<Fact>]
let ``§3.4 a second cancel after the waiter finished arms the task itself, and the last message wins`` () =
    let s = suspendedOnW ()
    let struct (s, _, _) = TaskState.cancel (Some "a") false s
    let s = accepted s
    let struct (s, answer, commands) = TaskState.cancel (Some "b") true s
    Assert.Equal(CancelAccepted, answer)
    Assert.Empty(commands.ToList())
    Assert.True s.MustCancel
    Assert.Equal(Some "b", s.CancelMessage)

[<Fact>]
let ``§3.4 an awaiting task whose inner task swallowed the cancellation and returned resumes with the value`` () =
    let s = suspendedOnW ()
    let struct (s, _, _) = TaskState.cancel (Some "stop") false s
    let s = accepted s
    // The inner task caught its CancelledError and returned: the waiter succeeded.
    let struct (s, commands) =
        TaskState.startStep (TaskState.wakeFrom WaiterSucceeded) s

    Assert.Equal<TaskCommand list>([ RunCoroutine Send ], commands.ToList())
    Assert.Equal(Running, s.Phase)
    Assert.Equal(1, s.CancelRequests)
    let struct (s, commands) = TaskState.endStep Returned ValueNone s
    Assert.Equal<TaskCommand list>([ Finish EndReturned ], commands.ToList())
    Assert.True(TaskState.isDone s)

[<Fact>]
let ``§3.1 a finished task is never "cancelling" in its repr, however many cancels it took`` () =
    let s = suspendedOnW ()
    let struct (s, _, _) = TaskState.cancel None false s
    let s = accepted s
    Assert.True(TaskState.isCancelling s)
    let struct (s, _) = TaskState.startStep (TaskState.wakeFrom WaiterSucceeded) s
    let struct (s, _) = TaskState.endStep Returned ValueNone s
    Assert.Equal(1, s.CancelRequests)
    Assert.False(TaskState.isCancelling s, "done, so repr says finished")
    let struct (s, answer, commands) = TaskState.cancel None false s
    Assert.Equal(CancelRefused, answer)
    Assert.Empty(commands.ToList())
    Assert.False(TaskState.isCancelling s)

[<Fact>]
let ``§3.4 a cancel that comes back to a task still passing one on is refused as a cycle, and changes nothing`` () =
    let s = suspendedOnW ()
    let struct (s, answer, commands) = TaskState.cancel (Some "a") false s
    Assert.Equal(CancelAccepted, answer)
    Assert.Equal<TaskCommand list>([ CancelWaiter(Some "a") ], commands.ToList())
    Assert.True s.Forwarding
    // The cancel went round the tasks awaiting each other and reached this one again.
    let struct (again, answer, commands) = TaskState.cancel (Some "b") false s
    Assert.Equal(CancelCameBack, answer)
    Assert.Empty(commands.ToList())
    Assert.Equal(s, again)
    // A step cannot start inside the call that passes the cancel on.
    Assert.Throws<IllegalTaskTransition>(fun () -> TaskState.startStep (TaskState.wakeFrom WaiterCancelled) s |> ignore)
    |> ignore
    // uncancel() stays allowed (a CancellationToken callback may call it): the count drops, forwarding stays.
    let struct (u, _) = TaskState.uncancel s
    Assert.Equal(0, u.CancelRequests)
    Assert.True u.Forwarding
    // The raise on the way back ends the forwarding and leaves the request counted, as CPython's
    // RecursionError leaves _num_cancels_requested.
    let struct (s, commands) = TaskState.waiterAnswered WaiterRaised (Some "a") s
    Assert.Empty(commands.ToList())
    Assert.False s.Forwarding
    Assert.False s.MustCancel
    Assert.Equal(1, s.CancelRequests)
    Assert.Equal(Suspended("w", true), s.Phase)
    // An answer with nothing passed on is a shell bug.
    Assert.Throws<IllegalTaskTransition>(fun () -> TaskState.waiterAnswered WaiterAccepted None s |> ignore)
    |> ignore

[<Fact>]
let ``§3.4 a waiter that refuses the cancel passed on leaves it with the task, with that message`` () =
    let s = suspendedOnW ()
    let struct (s, _, _) = TaskState.cancel (Some "a") false s
    let struct (s, commands) = TaskState.waiterAnswered WaiterRefused (Some "a") s
    Assert.Empty(commands.ToList())
    Assert.False s.Forwarding
    Assert.True s.MustCancel
    Assert.Equal(Some "a", s.CancelMessage)
    // Delivered at the next step as the task's own CancelledError.
    let struct (_, commands) =
        TaskState.startStep (TaskState.wakeFrom WaiterSucceeded) s

    Assert.Equal<TaskCommand list>([ RunCoroutine(ThrowCancelled(Some "a")) ], commands.ToList())

[<Fact>]
let ``§1.2 Scheduler.next: the clock is read only when asked, one wait per iteration, then the due timers run`` () =
    let s = Scheduler.empty |> Scheduler.startRun false |> ok
    let struct (s, timers, _) = Scheduler.callAt 5.0 "t" s TimerQueue.empty |> ok
    let struct (s, timers, step) = Scheduler.next RealClock nan 0.001 s timers
    Assert.Equal(ReadClock, step)
    let struct (s, timers, step) = Scheduler.next RealClock 1.0 0.001 s timers
    Assert.Equal(Wait(SleepFor 4.0), step)
    // Woken early (a submission): the iteration does not wait again, and its batch is empty.
    let struct (s, timers, step) = Scheduler.next RealClock 2.0 0.001 s timers
    Assert.Equal(RunBatch([||], 0L, 0L), step)
    Assert.Equal(1L, s.Iterations)
    let struct (s, stopNow) = Scheduler.endIteration s
    Assert.False stopNow
    let struct (s, timers, step) = Scheduler.next VirtualClock 2.0 0.001 s timers
    Assert.Equal(Wait(AdvanceClockTo 5.0), step)
    let struct (s, timers, step) = Scheduler.next VirtualClock 5.0 0.001 s timers
    Assert.Equal(RunBatch([| "t" |], 0L, 1L), step)
    Assert.Equal(2L, s.Iterations)
    Assert.True(TimerQueue.isEmpty timers, "the timer that fell due left the queue")

[<Fact>]
let ``§4 sleep: zero or less is one bare yield, anything longer a timer`` () =
    Assert.Equal(YieldOnce, SleepPlan.decide 0.0)
    Assert.Equal(YieldOnce, SleepPlan.decide -1.0)
    Assert.Equal(WakeAfter 0.001, SleepPlan.decide 0.001)
    Assert.Equal(WakeAfter infinity, SleepPlan.decide infinity)

[<Fact>]
let ``§1.5 asyncio.run shutdown: nothing left closes at once; only leftovers that failed are reported, in order`` () =
    Assert.Equal(CloseNow, RunShutdown.start 0)
    Assert.Equal(CancelAndWait 3, RunShutdown.start 3)

    Assert.Equal<int array>(
        [| 1; 3 |],
        RunShutdown.reports [| ChildCancelled; ChildFailed; ChildSucceeded; ChildFailed |]
    )

[<Fact>]
let ``§1.6 a fatal exception ends the batch early: its entry is consumed, the rest runs first in the next run`` () =
    let timers = TimerQueue.empty<int>
    let s = Scheduler.empty |> Scheduler.startRun false |> ok
    let struct (s, first) = Scheduler.callSoon s |> ok
    let struct (s, _) = Scheduler.callSoon s |> ok
    let struct (s, _) = Scheduler.callSoon s |> ok
    let struct (s, _, step) = Scheduler.next RealClock nan 0.001 s timers
    Assert.Equal(RunBatch([||], first, first + 3L), step)
    // The second entry raised: the run unwinds without endIteration.
    let s = Scheduler.batchInterrupted (first + 2L) s |> Scheduler.endRun
    let s = Scheduler.startRun false s |> ok
    let struct (s, later) = Scheduler.callSoon s |> ok
    let struct (_, _, step) = Scheduler.next RealClock nan 0.001 s timers
    Assert.Equal(RunBatch([||], first + 2L, later + 1L), step)

// as_completed over two inputs with two readers waiting, and the readers' ids in line order.
let private twoWaitingReaders () =
    let s = AsCompletedState.start 2 false
    let s, first = AsCompletedState.take s
    let s, second = AsCompletedState.take s

    match first, second with
    | WaitForCompletion a, WaitForCompletion b -> s, a, b
    | _ -> failwith "both readers wait: nothing has finished"

[<Fact>]
let ``§12 as_completed: a completion passes over a reader withdrawn by its cancel and wakes the next one`` () =
    let s, a, b = twoWaitingReaders ()

    let s = AsCompletedState.readerWithdrawn a s
    let s, commands = AsCompletedState.completed 0 s
    Assert.Equal<AsCompletedCommand list>([ WakeReader b ], commands)
    // The withdrawn reader leaves without a wake-up to pass on; the woken one takes the item.
    let s, commands = AsCompletedState.readerLeft a false s
    Assert.Empty commands
    let _, took = AsCompletedState.take s
    Assert.Equal(Take(CompletedInput 0), took)

[<Fact>]
let ``§12 as_completed: a reader woken and then cancelled passes its wake-up on while items remain`` () =
    let s, a, b = twoWaitingReaders ()

    let s, commands = AsCompletedState.completed 1 s
    Assert.Equal<AsCompletedCommand list>([ WakeReader a ], commands)
    let _, commands = AsCompletedState.readerLeft a true s
    Assert.Equal<AsCompletedCommand list>([ WakeReader b ], commands)

[<Fact>]
let ``§1.5 a Runner makes its loop once, closes in asyncio's four steps, and refuses after`` () =
    // close() before any use changes nothing, and the runner can still run.
    let struct (life, steps) = RunnerState.close false RunnerCreated |> ok
    Assert.Equal(RunnerCreated, life)
    Assert.Empty steps
    Assert.Equal(Error RunInsideRunningLoop, RunnerState.run true RunnerCreated)
    let struct (life, make) = RunnerState.run false RunnerCreated |> ok
    Assert.True make
    let struct (life, make) = RunnerState.useLoop life |> ok
    Assert.False make
    Assert.Equal(Error CloseInsideRunningLoop, RunnerState.close true life)
    let struct (life, steps) = RunnerState.close false life |> ok

    Assert.Equal<ShutdownStep list>(
        [ CancelLeftovers; ShutdownAsyncgens; ShutdownDefaultExecutor 300.0; CloseLoop ],
        steps
    )

    Assert.Equal(Error RunnerIsClosed, RunnerState.useLoop life)
    Assert.Equal(Error RunnerIsClosed, RunnerState.run false life)
    let struct (_, steps) = RunnerState.close false life |> ok
    Assert.Empty steps
