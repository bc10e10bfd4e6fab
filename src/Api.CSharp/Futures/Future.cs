using System.Runtime.ExceptionServices;
using Aio.Awaiters;
using Aio.Core;
using Microsoft.FSharp.Collections;
using Microsoft.FSharp.Core;

namespace Aio;

/// <summary>
/// A result that will exist later, bound to one <see cref="Loop"/> (asyncio's <c>Future</c>). This
/// non-generic view is what done callbacks receive and what collections of mixed futures hold;
/// <see cref="Future{T}"/> adds the typed result.
/// </summary>
public abstract class Future
{
    private protected Future(Loop loop) => Loop = loop;

    /// <summary>The loop the future is bound to.</summary>
    public Loop Loop { get; }

    /// <summary>True once the future has a result, an exception, or was cancelled.</summary>
    public abstract bool Done { get; }

    /// <summary>True if the future was cancelled.</summary>
    public abstract bool Cancelled { get; }

    /// <summary>
    /// The exception the future finished with, or null if it finished with a result. Reading it
    /// counts as retrieving it (no "never retrieved" report follows).
    /// </summary>
    /// <exception cref="InvalidStateException">The future is not done yet.</exception>
    /// <exception cref="CancelledException">The future was cancelled.</exception>
    public abstract Exception? Exception();

    /// <summary>
    /// Cancels a pending future and schedules its done callbacks. Returns false (and does nothing)
    /// if it is already done.
    /// </summary>
    /// <param name="message">Carried by every <see cref="CancelledException"/> this cancellation raises.</param>
    public abstract bool Cancel(string? message = null);

    /// <summary>
    /// Registers a callback that the loop calls with this future once it is done, through
    /// <c>CallSoon</c>, never synchronously. On a done future it is scheduled at once.
    /// </summary>
    /// <param name="callback">Called with this future, in the execution context captured now.</param>
    public abstract void AddDoneCallback(Action<Future> callback);

    /// <summary>
    /// Removes every registration of <paramref name="callback"/> that has not been scheduled yet.
    /// </summary>
    /// <param name="callback">The callback passed to <see cref="AddDoneCallback"/>.</param>
    /// <returns>How many registrations were removed (0 once the future is done).</returns>
    public abstract int RemoveDoneCallback(Action<Future> callback);

    /// <summary>The result as an object, for code that does not know the type.</summary>
    public abstract object? ResultObject();


    // How a waiter ended, for the wakeup of a task suspended on it.
    internal abstract WaiterOutcome Outcome { get; }

    // How a done future ended, for the combinators; reading it retrieves nothing.
    internal abstract ChildOutcome ChildOutcome { get; }

    // asyncio's _make_cancelled_error(): what a consumer of this cancelled future receives.
    internal abstract CancelledException CancelledError();

    // asyncio's _make_cancelled_error() on a future in any state, as gather calls it on its last child:
    // a cancelled future's own cancellation; otherwise a new one with no message (a task overrides
    // this with the message of a request it still holds).
    internal virtual CancelledException MakeCancelledError() => Cancelled ? CancelledError() : new CancelledException();

    // The message a cancelled future was cancelled with (null for none, or when not cancelled).
    internal abstract string? CancelMessageOrNull { get; }

    // Throws whatever Result() would throw; returns normally on success. Used by awaiters.
    internal abstract void ThrowIfFailed();

    // ThrowIfFailed as an await's GetResult does it (see Future<T>.AwaitedResult).
    internal abstract void ThrowIfFailedAtAwait();

    internal abstract void AddDoneCallbackNoContext(Action<Future> callback);

    internal abstract void AddTaskWakeup(ITaskStepper task);

    // asyncio's state word: pending, cancelling (tasks), finished or cancelled.
    internal abstract string StateWord { get; }
}

/// <summary>
/// A typed future. Complete it with <see cref="SetResult"/>, <see cref="SetException"/> or
/// <see cref="Future.Cancel"/>; await it inside a coroutine to get the result.
/// </summary>
/// <typeparam name="T">The type of the result.</typeparam>
/// <example>
/// <code>
/// var f = loop.CreateFuture&lt;string&gt;();
/// loop.CallSoon(() => f.SetResult("ready"));
/// string s = loop.RunUntilComplete(f); // "ready"
/// </code>
/// </example>
public class Future<T> : Future
{
    // The core keeps each done callback as its DoneCallback's one reference (Target), so that a single
    // callback sits in the state's reference field without a box.
    private FutureState<T, object> _state;

    // A failed future's "never retrieved" report, or the CancelledException a cancelled task's
    // coroutine raised (so that the first reader sees that very object, with its message; later
    // reads get a fresh one, as in asyncio), or, for a task cancelled before it ran, the message its
    // first reader's exception carries. One field for all: a future has at most one of them.
    private object? _outcomeDetail;

    private UnretrievedReport? Report => _outcomeDetail as UnretrievedReport;

    internal Future(Loop loop) : base(loop) { }

    // Only a task's coroutine may complete it. A type test, not a flag: a bool field here would pad every
    // future and task by 8 bytes, and only the public SetResult and SetException ask.
    private bool IsTask => this is LoopTask<T>;

    /// <inheritdoc />
    public override bool Done => FutureState.isDone(_state);

    /// <inheritdoc />
    public override bool Cancelled => FutureState.isCancelled(_state);

    /// <summary>
    /// The result. Throws the exception the future finished with (the same object every time), or a
    /// <see cref="CancelledException"/> if it was cancelled.
    /// </summary>
    /// <remarks>
    /// Read it on the loop's thread (or once the loop has stopped): a future is not thread-safe, as in
    /// asyncio. From another thread, <c>await future.AsTask()</c>; <see cref="Future.Done"/> may be
    /// polled from anywhere.
    /// </remarks>
    /// <exception cref="InvalidStateException">The future is not done yet.</exception>
    public T Result() => Read(awaited: false);

    // The result as an await reads it when it resumes: the same, except that a future still pending
    // there is another loop's, which the await could not wait for (Suspension.OtherLoopAtAwait).
    internal T AwaitedResult() => Read(awaited: true);

    private T Read(bool awaited)
    {
        var (state, read) = FutureState.result(_state);
        _state = state;
        Report?.Disarm();
        if (read.IsValue) return read.value;
        if (read.IsReadError) ExceptionDispatchInfo.Throw(read.error);
        if (read.IsCancelledRead) throw TakeCancellation(read.message);
        throw (awaited ? Suspension.OtherLoopAtAwait(this) : null)
            ?? new InvalidStateException("Result is not ready: the future is still pending. Await it, or check Done first.");
    }

    /// <inheritdoc />
    public override object? ResultObject() => Result();

    /// <inheritdoc />
    public override Exception? Exception()
    {
        var (state, read) = FutureState.result(_state);
        _state = state;
        Report?.Disarm();
        if (read.IsValue) return null;
        if (read.IsReadError) return read.error;
        if (read.IsCancelledRead) throw TakeCancellation(read.message);
        throw new InvalidStateException("Exception is not set: the future is still pending. Await it, or check Done first.");
    }

    /// <summary>Completes the future with a value and schedules its done callbacks.</summary>
    /// <param name="value">The result.</param>
    /// <exception cref="InvalidStateException">The future is already done.</exception>
    /// <exception cref="InvalidOperationException">This is a task: only its coroutine completes it.</exception>
    public void SetResult(T value)
    {
        Loop.CheckThread();
        if (IsTask) throw new InvalidOperationException("Task does not support set_result operation");
        Complete(FutureState.onLoop(Loop.IsClosed, _state, FutureState.setResult(value, _state)), "SetResult");
    }

    /// <summary>Completes the future with an exception and schedules its done callbacks.</summary>
    /// <param name="exception">The exception that awaiting the future will throw.</param>
    /// <exception cref="InvalidStateException">The future is already done.</exception>
    /// <exception cref="InvalidOperationException">This is a task: only its coroutine completes it.</exception>
    public void SetException(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        Loop.CheckThread();
        if (IsTask) throw new InvalidOperationException("Task does not support set_exception operation");
        FailCore(exception, "SetException");
    }

    /// <summary>
    /// Completes the future with a new instance of <typeparamref name="TException"/> (asyncio's
    /// <c>set_exception(ValueError)</c> given the class rather than an instance).
    /// </summary>
    /// <typeparam name="TException">The exception type; its parameterless constructor creates the instance.</typeparam>
    /// <exception cref="InvalidStateException">The future is already done.</exception>
    /// <exception cref="InvalidOperationException">This is a task: only its coroutine completes it.</exception>
    public void SetException<TException>() where TException : Exception, new() => SetException(new TException());

    /// <inheritdoc />
    public override bool Cancel(string? message = null)
    {
        Loop.CheckThread();
        return CancelCore(message);
    }

    private protected bool CancelCore(string? message)
    {
        var (state, completion) = FutureState.onLoop(Loop.IsClosed, _state, FutureState.cancel(Message(message), _state));
        if (completion.IsRefusedLoopClosed) throw LoopClosed();
        _state = state;
        Report?.Disarm();
        if (completion.IsAlreadyDone) return false;
        ScheduleCallbacks(completion);
        return true;
    }

    private protected void SucceedCore(T value) => Complete(FutureState.onLoop(Loop.IsClosed, _state, FutureState.setResult(value, _state)), "SetResult");

    private protected void FailCore(Exception exception, string operation)
    {
        Complete(FutureState.onLoop(Loop.IsClosed, _state, FutureState.setException(exception, _state)), operation);
        var report = new UnretrievedReport(this, exception);
        _outcomeDetail = report;
        Loop.TrackForDebug(report);
    }

    // The coroutine ended by raising a CancelledException (or never ran, and would have raised one with
    // `message` at once): the first reader gets that exception, and the future itself is cancelled without
    // a message, as asyncio's step calls super().cancel(), so later readers (and a gather's cancelled
    // entry) get one without it. For a coroutine that never ran, the message (if any) waits for the
    // first reader, so a storm of tasks cancelled before they start makes no exception nobody reads.
    private protected void CancelledByCoroutine(CancelledException? error, string? message)
    {
        _outcomeDetail = error ?? (object?)message;
        CancelCore(null);
    }

    private void Complete((FutureState<T, object>, Completion<object>) transition, string operation)
    {
        var (state, completion) = transition;
        if (completion.IsAlreadyDone)
            throw new InvalidStateException($"{operation} on a future that is already {StateWord}: a future completes once. Check Done before completing it.");
        if (completion.IsRefusedLoopClosed) throw LoopClosed();
        _state = state;
        ScheduleCallbacks(completion);
    }

    // asyncio raises it from the callbacks' call_soon; the core refused the completion before anything changed.
    private static InvalidOperationException LoopClosed() => new("Event loop is closed");

    private void ScheduleCallbacks(Completion<object> completion)
    {
        if (completion.IsCompletedOne)
        {
            Schedule(DoneCallback.OfTarget(completion.callback));
            return;
        }
        for (var list = completion.callbacksInOrder!; !list.IsEmpty; list = list.Tail) Schedule(DoneCallback.OfTarget(list.Head!));
    }

    // A task's wakeup reuses the task's own step handle; any other callback gets a handle of its own.
    private void Schedule(DoneCallback callback)
    {
        if (callback.Task is { } task) task.QueueWakeup();
        else Loop.CallSoonInternal(new ArgumentHandle(callback.Callback!, this, callback.Context));
    }

    private CancelledException TakeCancellation(FSharpOption<string>? message)
    {
        switch (_outcomeDetail)
        {
            case CancelledException own:
                _outcomeDetail = null;
                return own;
            case string first:
                _outcomeDetail = null;
                return new CancelledException(first);
        }
        return new CancelledException(FSharpOption<string>.get_IsSome(message) ? message!.Value : null);
    }

    // asyncio's _make_cancelled_error(): what a consumer of this cancelled future receives, the
    // coroutine's own CancelledException (with its message) the first time.
    internal override CancelledException CancelledError() =>
        TakeCancellation(FutureState.cancelMessage(_state));

    private static FSharpOption<string>? Message(string? message) => message is null ? FSharpOption<string>.None : FSharpOption<string>.Some(message);

    /// <inheritdoc />
    public override void AddDoneCallback(Action<Future> callback)
    {
        ArgumentNullException.ThrowIfNull(callback);
        Loop.CheckThread();
        AddDoneCallback(new DoneCallback(callback, ExecutionContext.Capture()));
    }

    internal override void AddDoneCallbackNoContext(Action<Future> callback) => AddDoneCallback(new DoneCallback(callback, null));

    internal override void AddTaskWakeup(ITaskStepper task) => AddDoneCallback(new DoneCallback(task));

    private void AddDoneCallback(DoneCallback callback)
    {
        var (state, runNow) = FutureState.addCallback(callback.Target, _state);
        _state = state;
        if (runNow) Schedule(callback);
    }

    /// <inheritdoc />
    public override int RemoveDoneCallback(Action<Future> callback)
    {
        ArgumentNullException.ThrowIfNull(callback);
        Loop.CheckThread();
        // The core compares with the stored target's Equals: a ContextualCallback equals its delegate.
        var (state, removed) = FutureState.removeCallback<object, T>(new DoneCallback(callback, null).Target, _state);
        _state = state;
        return removed;
    }

    /// <summary>Awaits the future and returns its result.</summary>
    public FutureAwaiter<T> GetAwaiter() => new(this);

    /// <summary>
    /// A <see cref="System.Threading.Tasks.Task{TResult}"/> that completes like this future: with its
    /// result, its exception (which counts as retrieved), or as cancelled. For code outside the loop —
    /// other threads, plain TPL code — that wants to await the future; safe to call from any thread.
    /// </summary>
    /// <example><code>int answer = await loop.CreateTask(Compute()).AsTask();   // in an `async Task` method on another thread</code></example>
    public Task<T> AsTask()
    {
        var completion = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        if (Loop.IsRunning && Loop.RunningOnThisThread != Loop) Loop.CallSoonThreadsafe(() => BridgeTo(completion));
        else BridgeTo(completion);
        return completion.Task;
    }

    // Completes `completion` like this future, now or when it is done (on the loop's thread).
    internal void BridgeTo(TaskCompletionSource<T> completion)
    {
        if (Done) CopyTo(completion);
        else AddDoneCallbackNoContext(_ => CopyTo(completion));
    }

    private void CopyTo(TaskCompletionSource<T> completion)
    {
        if (Cancelled) completion.TrySetCanceled();
        else if (Exception() is { } error) completion.TrySetException(error);
        else completion.TrySetResult(Result());
    }

    internal override WaiterOutcome Outcome => TaskState.waiterOutcome(s_isCancellation, _state);

    private static readonly FSharpFunc<Exception, bool> s_isCancellation = FuncConvert.FromFunc<Exception, bool>(static e => e is CancelledException);

    internal override ChildOutcome ChildOutcome => GatherStateModule.childOutcome(_state);

    internal override string? CancelMessageOrNull =>
        FutureState.cancelMessage(_state) is { } message ? message.Value : null;

    internal override void ThrowIfFailed() => Result();

    internal override void ThrowIfFailedAtAwait() => AwaitedResult();

    internal override string StateWord => FutureState.stateWord(_state);

    internal bool HasUnretrievedException => FutureState.unretrieved(_state);

    /// <summary>
    /// asyncio's repr: <c>&lt;Future pending&gt;</c>, <c>&lt;Future finished result='x'&gt;</c>,
    /// <c>&lt;Future finished exception=ValueError('oops')&gt;</c>, <c>&lt;Future cancelled&gt;</c>.
    /// </summary>
    public override string ToString() => Repr.Guarded(this, () => $"<Future {StateWord}{ResultPart()}{CallbacksPart()}>");

    private protected string ResultPart() => FutureState.view(_state) switch
    {
        // asyncio limits the result with reprlib; an exception is written whole.
        FutureView<T, object>.Succeeded s => " result=" + Repr.Limited(s.value),
        FutureView<T, object>.Failed f => " exception=" + Repr.Of(f.error),
        _ => "",
    };

    private protected string CallbacksPart()
    {
        var cbs = FutureState.callbacks(_state).Select(DoneCallback.OfTarget).ToList();
        static string Name(DoneCallback c) => (c.Task is null ? Repr.CallbackName(c.Callback!) : "Task.task_wakeup") + "()";
        // As asyncio's _format_callbacks: past two, the first, how many more, and the last.
        return cbs.Count switch
        {
            0 => "",
            1 or 2 => " cb=[" + string.Join(", ", cbs.Select(Name)) + "]",
            _ => $" cb=[{Name(cbs[0])}, <{cbs.Count - 2} more>, {Name(cbs[^1])}]",
        };
    }
}

// A done callback and the execution context it runs in, or a task's wakeup, in one reference: a
// waiter list keeps one per parked task, and most futures keep exactly one, a task's wakeup. A callback
// registered in the default ExecutionContext is its bare delegate, and so is one of the library's own
// (AddDoneCallbackNoContext), which reads no context: it runs in the default one. Only a callback
// registered in another context takes a ContextualCallback, which equals its delegate: RemoveDoneCallback
// removes a callback whatever context it was added in (the core compares the targets). The future's state
// holds only the Target; OfTarget gives the view back.
internal readonly struct DoneCallback
{
    // An Action<Future>, a ContextualCallback, or the ITaskStepper to wake (which resumes through its own
    // step entry).
    private readonly object _target;

    public DoneCallback(Action<Future> callback, ExecutionContext? context) =>
        _target = context is null || ReferenceEquals(context, InContext.Default) ? callback : new ContextualCallback(callback, context);

    public DoneCallback(ITaskStepper task) => _target = task;

    private DoneCallback(object target) => _target = target;

    public static DoneCallback OfTarget(object target) => new(target);

    public object Target => _target;

    public Action<Future>? Callback => _target as Action<Future> ?? (_target as ContextualCallback)?.Callback;

    public ExecutionContext? Context => _target is ContextualCallback c ? c.Context : InContext.Default;

    // Sealed types are one type-handle compare each; asking for the interface would search for it.
    public ITaskStepper? Task => _target is Action<Future> or ContextualCallback ? null : System.Runtime.CompilerServices.Unsafe.As<ITaskStepper>(_target);

    // Equal to its delegate, so that the core's removal (stored.Equals(bare delegate)) finds it.
    private sealed class ContextualCallback(Action<Future> callback, ExecutionContext context)
    {
        public Action<Future> Callback { get; } = callback;

        public ExecutionContext Context { get; } = context;

        public override bool Equals(object? obj) => obj is ContextualCallback c ? Callback.Equals(c.Callback) : Callback.Equals(obj);

        public override int GetHashCode() => Callback.GetHashCode();
    }
}
