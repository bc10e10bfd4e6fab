namespace Aio.Core

/// Why a step is resumed with an error instead of normally (SEMANTICS §3.2, step 4).
type StepFault =

    /// The coroutine awaited its own task.
    | AwaitedItself

    /// The coroutine awaited a future bound to another loop.
    | WaiterOfOtherLoop

/// How the waiter a task was suspended on ended; its wakeup callback reports this.
type WaiterOutcome =
    | WaiterSucceeded

    /// Awaiting it raises an exception that is not a cancellation.
    | WaiterFailed

    /// Awaiting it raises a CancelledError (it was cancelled, or failed with one).
    | WaiterCancelled

/// The argument of a scheduled step: step(None), a wakeup from the waiter, or step(RuntimeError).
type StepInput =
    | Go
    | WakeFrom of WaiterOutcome
    | Fault of StepFault

/// How the shell must resume the coroutine. With `Send` the awaiter reads its own outcome
/// (a cancelled waiter raises its own CancelledException there, keeping its message).
type Resume =
    | Send
    | ThrowCancelled of message: string option
    | ThrowFault of StepFault

/// How the coroutine left a step.
type StepEnd =
    | Returned
    | RaisedCancelled of message: string option
    | Raised

    /// Suspended on a pending future. The shell says whether that future is the task itself or of
    /// another loop, because only it can compare identities.
    | SuspendedOn of waiterKind: WaiterKind

    /// A bare yield (sleep(0)).
    | Yielded

and WaiterKind =

    /// A pending loop future: cancelling the task cancels it.
    | OrdinaryWaiter

    /// A bridge to something outside the loop (a .NET Task): it cannot be
    /// interrupted, so a cancel request waits and is delivered at the coroutine's next await.
    | UninterruptibleWaiter

    /// The task awaited itself.
    | ItselfAsWaiter

    /// The future belongs to another loop.
    | OtherLoopWaiter

/// The terminal outcome a task hands to its future.
type TaskEnd =
    | EndReturned
    | EndRaised

    /// The coroutine returned while a cancel was pending: the future is cancelled with the request's
    /// message (asyncio's `super().cancel(msg=self._cancel_message)`).
    | EndCancelled of message: string option

    /// The coroutine raised a CancelledError, or never started and would have raised it at once (the
    /// cancel thrown into a coroutine before its first statement comes straight back out): the future
    /// is cancelled without a message, as asyncio's step calls `super().cancel()`, and its first
    /// reader gets that CancelledError (the coroutine's own, or one carrying `message` if the
    /// coroutine never ran); later readers get a new one without a message.
    | EndRaisedCancelled of message: string option

/// Commands for the shell, in the order they must be carried out.
type TaskCommand =

    /// call_soon(step, input)
    | ScheduleStep of StepInput

    /// Run the coroutine now, resumed this way.
    | RunCoroutine of Resume

    /// Run the first step now, inside create_task, as the current task for its duration (an eager task,
    /// SEMANTICS §3.8); the task that called create_task is current again afterwards.
    | RunEagerly

    /// waiter.add_done_callback(wakeup), for the transition's `Commands.Waiter` (named there, beside
    /// the command, so that this command is one shared value).
    | AddWakeup

    /// waiter.cancel(message), for the transition's `Commands.Waiter`. A plain future or task that is pending
    /// accepts; a waiter that declines (a gather whose children have all finished) is reported back
    /// as `WaiterAnswered WaiterRefused`. The task is Forwarding until the answer comes.
    | CancelWaiter of message: string option

    /// Complete the task's future with this outcome (its done callbacks follow from FutureState).
    | Finish of TaskEnd

/// Where a task is in its life. 'W is the shell's reference to a waiter future. A struct, so that
/// suspending (the phase naming its waiter) allocates nothing.
[<Struct>]
type TaskPhase<'W> =

    /// Created; its first step is queued and no statement of the coroutine has run.
    | NotStarted

    /// A later step is queued (after a yield, or a bad await).
    | Scheduled

    /// Its coroutine is executing a step.
    | Running

    /// Parked on a waiter; the waiter's done callback (the wakeup) resumes it.
    | Suspended of waiter: 'W * interruptible: bool

    /// Terminal; the outcome lives in the task's FutureState.
    | Done

/// The task-specific part of a task (the future part is a FutureState beside it), as a struct so that a
/// transition allocates nothing. `MustCancel` is asyncio's pending cancel: a request not yet handed
/// to a waiter. `Forwarding` is true while a cancel the task passed to its waiter (`CancelWaiter`) has
/// not been answered: a cancel that reaches the task then came round a cycle of tasks awaiting each
/// other, which the table refuses (`CancelCameBack`) instead of passing it round for ever.
[<Struct>]
type TaskState<'W> =
    {
        Phase: TaskPhase<'W>
        CancelRequests: int
        MustCancel: bool
        CancelMessage: string option
        Forwarding: bool
    }

/// The commands of one transition, in order, and their operand: at most two, held inline so that the
/// hot path (a step that yields, resumes or suspends) allocates nothing.
[<Struct>]
type Commands<'W> =
    {
        Count: int
        First: TaskCommand
        Second: TaskCommand

        /// The waiter AddWakeup and CancelWaiter act on (the default when neither is among the
        /// commands): the shell reads it here, not from any phase.
        Waiter: 'W
    }

    member ToList: unit -> TaskCommand list

/// What `cancel()` answered.
type CancelAnswer =
    | CancelAccepted
    | CancelRefused

    /// The task is still passing an earlier cancel to its waiter, so this one came back to it through
    /// the futures the tasks await: a cycle. Nothing changed; the shell raises (CPython's RecursionError).
    | CancelCameBack

/// How the waiter answered the cancel a task passed on to it (`CancelWaiter`).
type WaiterAnswer =
    | WaiterAccepted

    /// cancel() returned false (a gather whose children have all finished).
    | WaiterRefused

    /// cancel() raised (the cancel came round a cycle further down): the exception goes on to the caller.
    | WaiterRaised

/// Every input of the task lifecycle, for the single transition function.
type TaskInput<'W> =

    /// A queued step (first step, after a yield, a wakeup, or a fault) starts.
    | StepStarts of StepInput

    /// The coroutine handed control back.
    | StepEnds of StepEnd * waiter: 'W voption

    /// cancel(msg); waiterDone says whether the current waiter (if any) is already done.
    | CancelRequested of message: string option * waiterDone: bool

    /// uncancel()
    | Uncancel

    /// The waiter answered the cancel passed to it with `CancelWaiter message`, which ends the
    /// forwarding. A refusal leaves the request with the task, as a pending cancel delivered when it next
    /// resumes (asyncio's must_cancel after a refused waiter.cancel()).
    | WaiterAnswered of answer: WaiterAnswer * message: string option

/// A transition that the current phase does not allow: a shell bug, never user misuse.
exception IllegalTaskTransition of phase: string * input: string

/// The task lifecycle (SEMANTICS §3.2–§3.5) as one transition table. `transition` is the table; the
/// shell calls the named entry points (`startStep`, `endStep`, `cancel`, `uncancel`, …), which are
/// its rows, so that it need not allocate an input value per step.
module TaskState =

    /// How a finished waiter reads to the task that awaited it: cancelled when it was cancelled or when it
    /// failed with an exception `isCancellation` recognises (the shell's CancelledException), failed
    /// otherwise when it failed, else succeeded.
    val waiterOutcome: isCancellation: (exn -> bool) -> waiter: FutureState<'T, 'Cb> -> WaiterOutcome

    /// The wakeup input for a waiter's outcome (shared instances: a wakeup allocates nothing).
    val wakeFrom: outcome: WaiterOutcome -> StepInput

    /// The step ending "suspended on a waiter of this kind" (shared instances).
    val suspendedOn: kind: WaiterKind -> StepEnd

    /// create_task: the first step is scheduled at once (laziness is the coroutine's).
    val create: unit -> struct (TaskState<'W> * Commands<'W>)

    /// create_task with eager start on a running loop: the first step runs inside the call.
    val createEager: unit -> struct (TaskState<'W> * Commands<'W>)

    /// The phase's name, as the lifecycle diagram and error messages show it.
    val phaseName: p: TaskPhase<'W> -> string

    /// The input's name, as the lifecycle diagram and error messages show it.
    val inputName: i: TaskInput<'W> -> string

    /// A queued step starts (SEMANTICS §3.2 steps 1–3): a pending cancel replaces the incoming
    /// input, except an incoming cancellation, whose message is kept (the first message wins).
    /// Allowed: a first step (Go) from NotStarted; Go or a fault from Scheduled; a wakeup from Suspended.
    val startStep: input: StepInput -> s: TaskState<'W> -> struct (TaskState<'W> * Commands<'W>)

    /// The coroutine handed control back (SEMANTICS §3.2 step 4). Allowed only while Running.
    val endStep: stepEnd: StepEnd -> waiter: 'W voption -> s: TaskState<'W> -> struct (TaskState<'W> * Commands<'W>)

    /// cancel(msg) (SEMANTICS §3.4): a waiter that is not done is cancelled (and accepts); otherwise
    /// the request waits as a pending cancel. The answer is refused only once the task is done, and
    /// CancelCameBack (changing nothing) while the task is still passing an earlier cancel on.
    val cancel:
        message: string option ->
        waiterDone: bool ->
        s: TaskState<'W> ->
            struct (TaskState<'W> * CancelAnswer * Commands<'W>)

    /// uncancel(): reaching 0 withdraws a request not yet handed to a waiter (CPython 3.13).
    val uncancel: s: TaskState<'W> -> struct (TaskState<'W> * Commands<'W>)

    /// The waiter answered the cancel the task passed on with `CancelWaiter message`: the forwarding
    /// ends, and a refused request stays with the task as a pending cancel. Allowed only while Forwarding.
    val waiterAnswered:
        answer: WaiterAnswer -> message: string option -> s: TaskState<'W> -> struct (TaskState<'W> * Commands<'W>)

    /// The transition table (SEMANTICS §3), one match in row order, with the task invariant at its
    /// head: Suspended ⇔ a wakeup is registered and no step is queued. startStep, endStep, cancel,
    /// uncancel and waiterAnswered are its rows split for the hot path, checked against it on every
    /// state and input; the property suite, the diagram and docs/task-lifecycle.md are drawn from it.
    /// An input no row names raises IllegalTaskTransition.
    val transition: input: TaskInput<'W> -> s: TaskState<'W> -> struct (TaskState<'W> * Commands<'W>)

    /// True once the task reached its terminal phase.
    val isDone: s: TaskState<'W> -> bool

    /// repr's "cancelling": pending with at least one cancel request.
    val isCancelling: s: TaskState<'W> -> bool
