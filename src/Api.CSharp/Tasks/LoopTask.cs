using System.Runtime.CompilerServices;
using Aio.Awaiters;
using Aio.Core;
using Microsoft.FSharp.Core;

namespace Aio;

/// <summary>
/// A coroutine driven by the loop, and a future for its result (asyncio's <c>Task</c>). Create one
/// with <see cref="Loop.CreateTask{T}(Coroutine{T}, string?, bool?, CancellationToken, ExecutionContext?)"/> or <see cref="Asyncio.CreateTask{T}"/>:
/// its first step runs in the next loop iteration, never during creation. Awaiting it gives the
/// coroutine's result; cancelling it raises <see cref="CancelledException"/> at the coroutine's
/// current await, where <c>catch</c>/<c>finally</c> can clean up.
/// </summary>
/// <typeparam name="T">The coroutine's result type.</typeparam>
/// <example>
/// <code>
/// var task = loop.CreateTask(TaskFunc(), name: "worker");
/// loop.CallSoon(() => task.Cancel("stop"));
/// try { loop.RunUntilComplete(task); } catch (CancelledException e) { Console.WriteLine(e.CancelMessage); }
/// </code>
/// </example>
public class LoopTask<T> : Future<T>, ITaskStepper, ILoopEntry
{
    // Null once an eager first step finished the task, as asyncio drops an eagerly finished task's
    // coroutine (get_coro() then answers None and the repr has no coro= part).
    private Coroutine<T>? _coroutine;
    private TaskState<Future> _state;
    // The input of the step queued for this task, exactly as the core's ScheduleStep gave it (or the
    // wakeup's, read from the waiter that woke it): at most one step is queued at a time.
    private StepInput _nextInput = StepInput.Go;
    private IResumable? _resume;
    private ExecutionContext? _context;
    // The Task-N number, and in QuietBit asyncio's `_log_destroy_pending = False`: a task that
    // run_until_complete or gather made for a coroutine is not reported if it is destroyed pending.
    private long _number;
    private const long QuietBit = TaskNumbers.QuietBit;
    private string? _name;
    private Rare? _rare;

    // What few tasks ever use, out of line, so that a task's own object stays small (W8 counts it per
    // parked task): a CancellationToken asked for or linked, a foreign await being interrupted, a
    // cancellation or fault waiting to be thrown in (and a bad await's error text, taken when the task
    // awaited), a failure to drive the coroutine.
    private sealed class Rare
    {
        public CancellationTokenSource? TokenSource;
        public CancellationTokenRegistration Linked;
        public CancellationToken LinkedToken;
        public PendingInterrupt? Interrupt;
        public Exception? PendingThrow;
        public Exception? StepError;
        public string? FaultText;
    }

    /// <summary>
    /// The ExecutionContext the task's next step runs in: the one it was created with, as its steps so far
    /// left it (asyncio's <c>get_context()</c>). Null when flow was suppressed at creation. A
    /// <see cref="Runner"/> carries its main task's final context on to the next run, and a custom
    /// exception handler runs in the context of the task a report is about.
    /// </summary>
    /// <example><code>ExecutionContext.Run(task.GetContext()!, _ => Console.WriteLine(requestId.Value), null);</code></example>
    public ExecutionContext? GetContext() => _context;

    private Rare Rares => _rare ??= new Rare();

    internal LoopTask(Loop loop, Coroutine<T> coroutine, string? name, bool eager, ExecutionContext? context = null) : base(loop)
    {
        _coroutine = coroutine;
        // The process-wide counter moves once per task created without a name (CPython 3.13's Task-N;
        // a named task takes no number).
        _number = name is null ? TaskNumbers.Next() : 0;
        _name = name;
        _context = context ?? ExecutionContext.Capture();
        // The name is set before an eager first step runs [stricter]; an eager task needs a running loop.
        var (state, commands) = eager && loop.IsRunning ? TaskState.createEager<Future>() : TaskState.create<Future>();
        _state = state;
        loop.Tasks.Register(this);
        Interpret(commands);
    }

    /// <inheritdoc />
    public string Name
    {
        // Formatted on first use, as CPython 3.12 does: most tasks are never asked their name.
        get => _name ??= $"Task-{_number & ~QuietBit}";
        set
        {
            _name = value ?? throw new ArgumentNullException(nameof(value), "A task's name cannot be null; pass a string.");
            Loop.Tasks.Renamed(this);
        }
    }

    long ITaskStepper.Seq { get; set; }

    int ITaskStepper.RegistrySlot { get; set; }

    string? ITaskStepper.ExplicitName => _name;

    long ITaskStepper.Number => _number & ~QuietBit;

    bool ITaskStepper.ReportIfDestroyedPending => (_number & QuietBit) == 0;

    void ITaskStepper.DoNotReportIfDestroyedPending() => _number |= QuietBit;

    object ITaskStepper.CoroutineNameSource => _coroutine!.NameSource;

    /// <summary>
    /// A token that is cancelled when this task is cancelled (the first accepted <see cref="Cancel"/>):
    /// pass it to TPL operations the coroutine starts, so that they stop too. An
    /// <see cref="OperationCanceledException"/> for this token (or for the token given to
    /// <c>CreateTask</c>) that ends the coroutine ends the task cancelled, not failed.
    /// </summary>
    /// <example><code>await Asyncio.WrapTask(Task.Delay(1000, Asyncio.CurrentTask()!.CancellationToken));</code></example>
    public CancellationToken CancellationToken
    {
        get
        {
            var rare = Rares;
            if (rare.TokenSource is null)
            {
                rare.TokenSource = new CancellationTokenSource();
                if (_state.CancelRequests > 0 || Cancelled) rare.TokenSource.Cancel();
            }
            return rare.TokenSource.Token;
        }
    }

    // CreateTask(..., cancellationToken): the token cancels this task, on the loop's thread.
    internal void Link(CancellationToken token)
    {
        if (!token.CanBeCanceled) return;
        Rares.LinkedToken = token;
        if (token.IsCancellationRequested)
        {
            Cancel();
            return;
        }
        Rares.Linked = token.UnsafeRegister(static t =>
        {
            var task = (LoopTask<T>)t!;
            if (ReferenceEquals(Loop.RunningOnThisThread, task.Loop)) task.Cancel();
            else task.Loop.PostFromOutside(() => task.Cancel());
        }, this);
    }

    private bool IsOwnToken(CancellationToken token) =>
        token.CanBeCanceled && _rare is { } rare && ((rare.TokenSource is not null && token == rare.TokenSource.Token) || token == rare.LinkedToken);

    // Cancels the task's token once its first cancel is accepted. TPL runs the token's callbacks here,
    // synchronously: one that throws is reported, and the cancel stands.
    private void CancelToken()
    {
        if (_rare?.TokenSource is not { IsCancellationRequested: false } source) return;
        try
        {
            source.Cancel();
        }
        catch (AggregateException e)
        {
            Loop.CallExceptionHandler(new ExceptionContext($"A callback of {this}'s CancellationToken raised") { ["exception"] = e, ["task"] = this });
        }
    }

    /// <summary>
    /// The coroutine this task drives; null for a task that an eager first step finished, as asyncio's
    /// <c>get_coro()</c> answers None for one.
    /// </summary>
    public Coroutine<T>? GetCoroutine() => _coroutine;

    /// <inheritdoc />
    public override bool Done => TaskState.isDone(_state) && base.Done;

    /// <summary>
    /// Requests cancellation. If the task is waiting on a future, that future is cancelled and
    /// <see cref="CancelledException"/> is raised at the await in a later iteration; otherwise it is raised
    /// at the task's next await (before its first statement if it has not started). Returns false only
    /// if the task is already done. Several requests before delivery raise one exception, and each
    /// counts in <see cref="Cancelling"/>.
    /// </summary>
    /// <param name="message">Carried by the <see cref="CancelledException"/>.</param>
    public override bool Cancel(string? message = null)
    {
        Loop.CheckThread();
        // Cancelling a task that failed counts as retrieving its exception, as in asyncio.
        if (base.Done) return base.Cancel(message);
        return CancelPropagation.Cancel(this, Option(message));
    }

    bool ITaskStepper.PassCancel(FSharpOption<string>? message, out ITaskStepper? deeper)
    {
        deeper = null;
        var waiterDone = _state.Phase.IsSuspended ? _state.Phase.waiter!.Done : true;
        var (state, answer, commands) = TaskState.cancel(message, waiterDone, _state);
        // Tasks that await each other in a cycle would pass a cancel round it for ever: CPython ends with
        // a RecursionError.
        if (answer.IsCancelCameBack)
            throw new InvalidOperationException($"Cancelling {this} came back to it through the futures it awaits: tasks that await each other in a cycle cannot be cancelled (CPython raises RecursionError here). Break the cycle first, for example by cancelling a future one of them awaits.");
        _state = state;
        // The cancel of a task this one awaits is the walk's next step, not a deeper call.
        if (commands.Count == 1 && commands.First.IsCancelWaiter && commands.Waiter is ITaskStepper next) deeper = next;
        else Interpret(commands);
        return answer.IsCancelAccepted;
    }

    void ITaskStepper.CancelAnswered(WaiterAnswer answer, FSharpOption<string>? message) =>
        Apply(TaskState.waiterAnswered(answer, message, _state));

    void ITaskStepper.CancelTaken() => CancelToken();

    /// <summary>The number of cancel requests not withdrawn by <see cref="Uncancel"/>.</summary>
    public int Cancelling() => _state.CancelRequests;

    /// <summary>
    /// Withdraws one cancel request and returns the remaining count (never below 0). Reaching 0 also
    /// withdraws a cancellation not yet delivered; one already handed to the awaited future still arrives.
    /// </summary>
    public int Uncancel()
    {
        Loop.CheckThread();
        Apply(TaskState.uncancel(_state));
        return _state.CancelRequests;
    }

    Future ILoopTask.AsFuture => this;

    internal override string StateWord =>
        TaskState.isCancelling(_state) ? "cancelling" : base.StateWord;

    // A task holds the message of a cancel request that found no waiter to cancel (asyncio's
    // Task._cancel_message; a request passed to the waiter travels in the waiter's cancellation), and
    // a cancelled gather whose last child is this task raises it.
    internal override CancelledException MakeCancelledError() =>
        Cancelled ? CancelledError() : new CancelledException(FSharpOption<string>.get_IsSome(_state.CancelMessage) ? _state.CancelMessage!.Value : null);

    /// <summary>
    /// asyncio's repr: <c>&lt;Task pending name='Task-1' coro=&lt;TaskFunc()&gt;&gt;</c>,
    /// <c>&lt;Task finished name='T' coro=&lt;TaskFunc()&gt; result='the result'&gt;</c>.
    /// </summary>
    public override string ToString() =>
        Repr.Guarded(this, () => $"<Task {StateWord} name={Repr.Of(Name)}{CoroutinePart()}{ResultPart()}{WaitPart()}{CallbacksPart()}>");

    private string CoroutinePart() => _coroutine is { } coroutine ? $" coro=<{coroutine.Name}()>" : "";

    private string WaitPart() =>
        _state.Phase.IsSuspended && !base.Done ? $" wait_for={_state.Phase.waiter}" : "";

    // ---- the step: the core decides, this interprets ----------------------------------------------

    private void Step()
    {
        var input = _nextInput;
        _nextInput = StepInput.Go;
        Apply(TaskState.startStep(input, _state));
    }

    private void Apply((TaskState<Future> State, Commands<Future> Commands) transition)
    {
        _state = transition.State;
        Interpret(transition.Commands);
    }

    // The waiter commands act on the waiter the transition named beside them: nothing is read back from
    // _state, which a first command that runs user code (a step) may change before the second runs.
    private void Interpret(Commands<Future> commands)
    {
        if (commands.Count > 0) Do(commands.First, commands.Waiter);
        if (commands.Count > 1) Do(commands.Second, commands.Waiter);
    }

    private void Do(TaskCommand command, Future waiter)
    {
        // By tag: one integer switch instead of a chain of type tests on the hot path.
        switch (command.Tag)
        {
            case TaskCommand.Tags.ScheduleStep:
                QueueStep(((TaskCommand.ScheduleStep)command).Item);
                break;
            case TaskCommand.Tags.RunCoroutine:
                RunCoroutine(((TaskCommand.RunCoroutine)command).Item);
                break;
            case TaskCommand.Tags.RunEagerly:
                RunEagerly();
                break;
            case TaskCommand.Tags.AddWakeup:
                waiter.AddTaskWakeup(this);
                break;
            case TaskCommand.Tags.CancelWaiter:
                CancelWaiter(((TaskCommand.CancelWaiter)command).message, waiter);
                break;
            case TaskCommand.Tags.Finish:
                Finish(((TaskCommand.Finish)command).Item);
                break;
        }
    }

    // The waiter's answer goes back to the core however the call ends, so the task stops Forwarding.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private void CancelWaiter(FSharpOption<string>? message, Future waiter)
    {
        var answer = WaiterAnswer.WaiterRaised;
        try
        {
            answer = waiter.Cancel(Text(message)) ? WaiterAnswer.WaiterAccepted : WaiterAnswer.WaiterRefused;
        }
        finally
        {
            Apply(TaskState.waiterAnswered(answer, message, _state));
        }
    }

    // The task is its own ready entry for every step and every wakeup: it never has two of them queued
    // at once, so scheduling one allocates nothing.
    private void QueueStep(StepInput input)
    {
        _nextInput = input;
        Loop.CallSoonInternal(this);
    }

    // A task's step is never cancelled as an entry (asyncio cancels the task, whose step then raises),
    // so unlike a Handle it has no life to consult.
    bool ILoopEntry.ShouldRun => true;

    void ILoopEntry.Run() => InContext.Run(_context, s_step, this);

    private static readonly ContextCallback s_step = static t => ((LoopTask<T>)t!).Step();

    // Called by the waiter once it is done, so its outcome is already final: read now, it is what the
    // step would read when it starts (asyncio's task_wakeup reads it then). Shared inputs: no allocation.
    void ITaskStepper.QueueWakeup() => QueueStep(TaskState.wakeFrom(_state.Phase.waiter!.Outcome));


    // The first step inside create_task, in the task's own context, as the current task; whoever
    // called create_task (a task's step, or a callback) is current again afterwards.
    private void RunEagerly() => InContext.Run(_context, s_eagerStep, this);

    private static readonly ContextCallback s_eagerStep = static t => ((LoopTask<T>)t!).RunCoroutine(Resume.Send, eager: true);

    // The rare parts of a step are methods of their own (ArmThrow, RaiseInterrupt, StepFailed): the
    // stack space a branch's temporaries need is reserved, and zeroed, on every call of the method
    // holding it, taken or not.
    private void RunCoroutine(Resume resume, bool eager = false)
    {
        if (!resume.IsSend) ArmThrow(resume);
        var loop = Loop;
        // What this step suspends on is kept by the loop, not by every task (one step runs at a time; an
        // eager first step nests inside its creator's and gives the creator's back when it ends).
        var outerWaiter = loop.StepWaiter;
        var outerUninterruptible = loop.StepUninterruptible;
        loop.StepWaiter = null;
        loop.StepUninterruptible = false;
        var resumeAt = _resume;
        _resume = null;
        if (_rare?.Interrupt is not null) RaiseInterrupt();
        var caller = eager ? loop.SwapCurrentTask(this) : null;
        var callerDepth = eager ? InlineChain.EnterStep() : 0;
        if (!eager) loop.EnterTask(this);
        StepEnd end;
        Future? waiter;
        try
        {
            if (resumeAt is null) _coroutine!.Start();
            else resumeAt.Resume();
            end = StepEnd(loop.StepWaiter, loop.StepUninterruptible);
        }
        catch (Exception e)
        {
            end = StepFailed(e);
        }
        finally
        {
            waiter = loop.StepWaiter;
            loop.StepWaiter = outerWaiter;
            loop.StepUninterruptible = outerUninterruptible;
            if (eager)
            {
                loop.SwapCurrentTask(caller);
                InlineChain.LeaveStep(callerDepth);
            }
            else loop.LeaveTask(this);
            // The task's context carries on from where this step left it (asyncio runs every step in the
            // task's own context, so a value set before an await is still there after it).
            _context = ExecutionContext.Capture();
        }
        Apply(TaskState.endStep(end, waiter is null ? FSharpValueOption<Future>.None : FSharpValueOption<Future>.NewValueSome(waiter), _state));
        if (eager && base.Done) _coroutine = null;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void ArmThrow(Resume resume)
    {
        var rare = Rares;
        if (rare.PendingThrow is null) Suspension.PendingThrowArmed();
        if (resume is Resume.ThrowCancelled c) rare.PendingThrow = new CancelledException(Text(c.message));
        else
        {
            rare.PendingThrow = new InvalidOperationException(rare.FaultText ?? FaultMessage(((Resume.ThrowFault)resume).Item, null));
            rare.FaultText = null;
        }
    }

    // An await the loop cannot park on. Its error text is taken now, as asyncio builds it in the step
    // that awaited (the task's repr as it is now); the core throws it in at the next step.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private StepEnd BadAwait(StepFault fault, Future waiter)
    {
        Rares.FaultText = FaultMessage(fault, waiter);
        return TaskState.suspendedOn(fault.IsAwaitedItself ? WaiterKind.ItselfAsWaiter : WaiterKind.OtherLoopWaiter);
    }

    // A foreign await the task was cancelled in (its bridge cancelled, or a cancel raised on resume):
    // its awaiter is swapped for one that raises, so the cancellation surfaces at that very await.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private void RaiseInterrupt()
    {
        var interrupt = _rare!.Interrupt!;
        _rare.Interrupt = null;
        var error = ((ITaskStepper)this).TakePendingThrow() ?? (interrupt.Bridge.Cancelled ? interrupt.Bridge.CancelledError() : null);
        if (error is not null) interrupt.Raise(error);
    }

    // Not the body's own exception (the builder keeps that in the coroutine) but a failure to drive it:
    // a coroutine started twice, or a step that left it neither done nor suspended on anything the loop
    // knows. The task fails with it instead of hanging in Running.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private StepEnd StepFailed(Exception e)
    {
        Rares.StepError = e;
        return e is CancelledException c ? Core.StepEnd.NewRaisedCancelled(Option(c.CancelMessage)) : Core.StepEnd.Raised;
    }

    private StepEnd StepEnd(Future? suspendedOn, bool uninterruptible)
    {
        // The coroutine is dropped only after the step that finished the task, so it is here.
        var coroutine = _coroutine!;
        if (coroutine.IsCompleted)
        {
            return coroutine.Error switch
            {
                null => Core.StepEnd.Returned,
                CancelledException c => Core.StepEnd.NewRaisedCancelled(Option(c.CancelMessage)),
                OperationCanceledException o when IsOwnToken(o.CancellationToken) => Core.StepEnd.NewRaisedCancelled(FSharpOption<string>.None),
                _ => Core.StepEnd.Raised,
            };
        }
        if (suspendedOn is { } waiter)
        {
            if (ReferenceEquals(waiter, this)) return BadAwait(StepFault.AwaitedItself, waiter);
            if (!ReferenceEquals(waiter.Loop, Loop)) return BadAwait(StepFault.WaiterOfOtherLoop, waiter);
            return TaskState.suspendedOn(uninterruptible ? WaiterKind.UninterruptibleWaiter : WaiterKind.OrdinaryWaiter);
        }
        if (_resume is not null) return Core.StepEnd.Yielded;
        throw new InvalidOperationException($"Task {Name} left a step without finishing or awaiting anything the loop knows.");
    }

    void ITaskStepper.Suspend(Future waiter, IResumable continuation, WaiterKind kind)
    {
        // From its first wait on, only what holds that waiter keeps the task alive (TaskRegistry).
        if (((ITaskStepper)this).RegistrySlot < 0) Loop.Tasks.Park(this);
        _resume = continuation;
        Loop.StepWaiter = waiter;
        Loop.StepUninterruptible = kind.IsUninterruptibleWaiter;
    }

    void ITaskStepper.SuspendYield(IResumable continuation) => _resume = continuation;

    // A coroutine that plain async code awaited (an `async Task` helper this step called) started inline
    // and suspended this step on its waiter; the helper, not this task, drives it, so the step lets go:
    // the coroutine resumes from its waiter's done callback (a yield, in the next iteration), and the
    // step goes on as if nothing had been awaited. Kept, the suspension would be overwritten by the
    // task's own next await (the helper's Task, say), and the coroutine would never resume.
    void ITaskStepper.ReleaseSuspension()
    {
        var resumeAt = _resume;
        if (resumeAt is null) return;
        _resume = null;
        var waiter = Loop.StepWaiter;
        Loop.StepWaiter = null;
        Loop.StepUninterruptible = false;
        // A foreign await's interrupt belongs to the task's own awaits; the released coroutine's bridge
        // simply resumes it when the operation ends.
        if (_rare is not null) _rare.Interrupt = null;
        if (waiter is null) Loop.CallSoon(resumeAt.Resume);
        else Suspension.ResumeWhenDone(waiter, resumeAt.Resume);
    }

    void ITaskStepper.ArmInterrupt(PendingInterrupt interrupt) => Rares.Interrupt = interrupt;

    Exception? ITaskStepper.TakePendingThrow()
    {
        var e = _rare?.PendingThrow;
        if (e is null) return null;
        _rare!.PendingThrow = null;
        Suspension.PendingThrowTaken();
        return e;
    }

    private void Finish(TaskEnd end)
    {
        Loop.Tasks.Unregister(this);
        _rare?.Linked.Dispose();
        var stepError = _rare?.StepError;
        // A task finishes once, before an eager step could drop its coroutine.
        var coroutine = _coroutine!;
        switch (end)
        {
            case TaskEnd.EndRaisedCancelled c:
                // The coroutine's own exception, or none if it never ran (nothing was thrown into it).
                CancelledByCoroutine((stepError ?? coroutine.Error) as CancelledException, Text(c.message));
                break;
            case TaskEnd.EndCancelled c:
                CancelCore(Text(c.message));
                break;
            case var _ when end.IsEndRaised:
                var error = stepError ?? coroutine.Error ?? new InvalidOperationException(FaultMessage(StepFault.AwaitedItself, null));
                FailCore(error, "SetException");
                // asyncio's task sets KeyboardInterrupt and SystemExit as its exception and raises them
                // on, out of the loop: a fatal exception does not stay inside the task.
                if (FatalExceptions.Is(error)) System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(error);
                break;
            default:
                SucceedCore(coroutine.GetResult());
                break;
        }
    }

    // asyncio's texts; the other loop's future is the one the step before this one ended on.
    private string FaultMessage(StepFault fault, Future? waiter) => fault.IsAwaitedItself
        ? $"Task cannot await on itself: {this}"
        : $"Task {this} got Future {waiter} attached to a different loop";

    private static FSharpOption<string>? Option(string? s) => s is null ? FSharpOption<string>.None : FSharpOption<string>.Some(s);

    private static string? Text(FSharpOption<string>? o) => FSharpOption<string>.get_IsSome(o) ? o!.Value : null;
}

/// <summary>A task whose coroutine returns nothing (<c>async Coroutine</c>).</summary>
public sealed class LoopTask : LoopTask<VoidResult>
{
    internal LoopTask(Loop loop, Coroutine coroutine, string? name, bool eager, ExecutionContext? context = null) : base(loop, coroutine, name, eager, context) { }

    /// <summary>A TPL task that completes like this one; see <see cref="Future{T}.AsTask"/>.</summary>
    public new Task AsTask() => base.AsTask();
}

// asyncio's process-wide task counter: one number per created task, whatever its result type.
internal static class TaskNumbers
{
    // A bit no Task-N number reaches, free to carry "not reported if destroyed pending" next to the
    // number, in a task and in its registry slot alike.
    public const long QuietBit = 1L << 62;

    private static long s_last;

    public static long Next() => Interlocked.Increment(ref s_last);
}
