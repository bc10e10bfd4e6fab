using System.Collections.Concurrent;
using System.Diagnostics;
using Aio.Core;

namespace Aio;

/// <summary>
/// An event loop (asyncio's <c>AbstractEventLoop</c>): one thread runs many tasks and callbacks in a
/// well-defined order. Callbacks go through <see cref="CallSoon(Action)"/> (FIFO) and
/// <see cref="CallLater(double, Action)"/>/<see cref="CallAt(double, Action)"/> (deadline order,
/// registration order on ties); tasks run their steps as such callbacks. Everything except
/// <see cref="CallSoonThreadsafe"/> must be called on the loop's thread.
/// </summary>
/// <example>
/// <code>
/// using var loop = new Loop();
/// loop.CallSoon(() => Console.WriteLine("first"));
/// loop.CallLater(0.1, loop.Stop);
/// loop.RunForever();
/// </code>
/// </example>
public sealed partial class Loop : IDisposable
{
    [ThreadStatic] private static Loop? s_running;

    // Virtual clocks jump exactly to deadlines; the resolution then only needs to beat rounding.
    private static readonly double s_resolution = 1.0 / Stopwatch.Frequency;

    // The loop's state in the core's two halves: the numbers and flags every call_soon replaces (no
    // references, so storing them needs no GC write barrier), and the timers.
    private LoopState _state = Scheduler.empty;
    // Timers in a struct slot: the core's queue stores them in arrays, and a slot array has no
    // covariance check on store (RefSlot).
    private TimerQueue<RefSlot<ITimerEntry>> _timers = TimerQueue.empty<RefSlot<ITimerEntry>>();
    private readonly ClockPolicy _policy;
    private double _virtualNow;
    private int _owner;
    private ITaskStepper? _currentTask;
    // The future the running step suspended on, and whether that await can be interrupted: set by the
    // task's awaiter, read by the task when its step ends (LoopTask.RunCoroutine).
    internal Future? StepWaiter;
    internal bool StepUninterruptible;
    private Action<Loop, ExceptionContext>? _handler;
    private readonly ConcurrentQueue<Handle> _inbox = new();
    // Set after each submission to the inbox (or a finalizer's report), cleared before the loop drains
    // them: one volatile read per iteration instead of asking the concurrent queues whether they are empty.
    private int _posted;
    // "Exception was never retrieved" reports made on the finalizer thread while the loop runs: the
    // loop hands them to the exception handler on its own thread, at the next iteration or when the
    // run ends. 1 in _runningForReports while RunForever runs (the finalizer reads this, not _state).
    private readonly ConcurrentQueue<ExceptionContext> _finalizerReports = new();
    private int _runningForReports;
    private readonly ManualResetEventSlim _signal = new(false);
    // all_tasks(), holding a parked task only weakly.
    internal TaskRegistry Tasks { get; }

    /// <summary>Creates a loop that is not running and not current anywhere.</summary>
    /// <param name="clock">Real monotonic time (default) or a virtual clock for tests.</param>
    public Loop(LoopClock clock = LoopClock.Monotonic)
    {
        _policy = clock == LoopClock.Virtual ? ClockPolicy.VirtualClock : ClockPolicy.RealClock;
        Tasks = new TaskRegistry(this);
    }

    /// <summary>
    /// Creates a loop whose real clock is <paramref name="timeProvider"/>: its time is the provider's
    /// timestamp, and it waits for its next deadline on one of the provider's timers, so a
    /// <c>FakeTimeProvider</c> drives it (advancing the fake clock wakes the loop).
    /// </summary>
    /// <param name="timeProvider">The clock, e.g. <see cref="TimeProvider.System"/> or a test's fake.</param>
    /// <example><code>var loop = new Loop(fakeTime);   // then fakeTime.Advance(TimeSpan.FromSeconds(1)) from the test</code></example>
    public Loop(TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(timeProvider);
        _policy = ClockPolicy.RealClock;
        _provider = timeProvider;
        Tasks = new TaskRegistry(this);
    }

    // The real clock, when it is not the Stopwatch: a given TimeProvider.
    private readonly TimeProvider? _provider;
    private ITimer? _providerWake;
    private TimeProvider? _virtualProvider;

    /// <summary>The clock this loop reads.</summary>
    public LoopClock Clock => _policy.IsVirtualClock ? LoopClock.Virtual : LoopClock.Monotonic;

    /// <summary>
    /// This loop's time as a <see cref="System.TimeProvider"/>: the one it was created with, the system's
    /// for a monotonic loop, and for a virtual-clock loop one that follows virtual time, whose timers
    /// are the loop's own, so that <c>Task.Delay(d, loop.TimeProvider)</c> in a coroutine takes no wall
    /// time.
    /// </summary>
    /// <example><code>await Task.Delay(TimeSpan.FromMinutes(5), loop.TimeProvider);   // instant on a virtual clock</code></example>
    public TimeProvider TimeProvider =>
        _provider ?? (_policy.IsVirtualClock ? _virtualProvider ??= new LoopTimeProvider(this) : TimeProvider.System);

    /// <summary>
    /// Debug mode: on <see cref="Close"/> the loop reports every task still pending and every
    /// exception nobody retrieved, without waiting for a garbage collection. Off by default.
    /// </summary>
    public bool Debug { get; set; }

    /// <summary>True while <see cref="RunForever"/> or <see cref="RunUntilComplete{T}(Future{T})"/> runs.</summary>
    public bool IsRunning => _state.Running;

    /// <summary>True after <see cref="Close"/>.</summary>
    public bool IsClosed => _state.Closed;

    /// <summary>The loop's clock in seconds; it never goes backwards. Deadlines compare against it.</summary>
    public double Time() =>
        _policy.IsVirtualClock ? _virtualNow
        : _provider is null ? Stopwatch.GetTimestamp() / (double)Stopwatch.Frequency
        : _provider.GetTimestamp() / (double)_provider.TimestampFrequency;

    internal static Loop? RunningOnThisThread => s_running;

    internal static ITaskStepper? CurrentTaskOnThisThread => s_running?._currentTask;

    internal ILoopTask? CurrentTask => _currentTask;

    // Iterations started so far: lets tests count iterations between two points exactly.
    internal long Iterations => _state.Iterations;

    internal IReadOnlyList<ILoopTask> LiveTasks => Tasks.Live();

    // ---- scheduling ----------------------------------------------------------------------------------

    /// <summary>Schedules <paramref name="callback"/> to run in a later iteration, after everything already queued.</summary>
    /// <param name="callback">The callback; an exception it throws goes to the exception handler.</param>
    /// <returns>A handle that can cancel the call.</returns>
    /// <exception cref="InvalidOperationException">The loop is closed.</exception>
    public Handle CallSoon(Action callback)
    {
        ArgumentNullException.ThrowIfNull(callback);
        CheckThread();
        var handle = Handle.For(callback, ExecutionContext.Capture());
        CallSoonInternal(handle);
        return handle;
    }

    /// <summary>Schedules <paramref name="callback"/>(<paramref name="argument"/>); see <see cref="CallSoon(Action)"/>.</summary>
    public Handle CallSoon<TArg>(Action<TArg> callback, TArg argument)
    {
        ArgumentNullException.ThrowIfNull(callback);
        return CallSoon(() => callback(argument));
    }

    /// <summary>Schedules <paramref name="callback"/> to run <paramref name="delay"/> seconds from now.</summary>
    /// <param name="delay">Seconds; zero or negative means "due in the next iteration".</param>
    /// <param name="callback">The callback.</param>
    /// <exception cref="InvalidOperationException">The loop is closed.</exception>
    public TimerHandle CallLater(double delay, Action callback) => CallAt(Time() + delay, callback);

    /// <summary>Schedules <paramref name="callback"/> after <paramref name="delay"/>; see <see cref="CallLater(double, Action)"/>.</summary>
    public TimerHandle CallLater(TimeSpan delay, Action callback) => CallLater(delay.TotalSeconds, callback);

    /// <summary>
    /// Schedules <paramref name="callback"/> at the absolute time <paramref name="when"/> on the loop's
    /// clock. Equal deadlines run in registration order.
    /// </summary>
    /// <param name="when">A deadline on the <see cref="Time"/> scale.</param>
    /// <param name="callback">The callback.</param>
    /// <exception cref="InvalidOperationException">The loop is closed.</exception>
    public TimerHandle CallAt(double when, Action callback)
    {
        ArgumentNullException.ThrowIfNull(callback);
        CheckThread();
        return CallAt(when, callback, null, ExecutionContext.Capture());
    }

    // The loop's own timers (a sleep's wakeup): their callback reads no context, so none is captured.
    internal TimerHandle CallLater(double delay, Action<object?> callback, object? argument) =>
        CallAt(Time() + delay, callback, argument, null);

    private TimerHandle CallAt(double when, Delegate callback, object? argument, ExecutionContext? context)
    {
        if (double.IsNaN(when)) throw new ArgumentException("The deadline is NaN: pass a number of seconds.", nameof(when));
        var handle = new TimerHandle(this, callback, argument, context);
        handle.Key = Schedule(when, handle);
        return handle;
    }

    // Puts a timer in the queue (a TimerHandle, or a sleep's own future) and returns its place there.
    internal TimerKey Schedule(double when, ITimerEntry timer)
    {
        var result = Scheduler.callAt(when, new RefSlot<ITimerEntry> { Value = timer }, _state, _timers);
        if (result.IsError) throw Closed();
        (_state, _timers, var key) = result.ResultValue;
        return key;
    }

    /// <summary>
    /// The one method that may be called from any thread: queues <paramref name="callback"/> for the
    /// loop thread and wakes the loop if it is waiting. Callbacks from one thread run in submission order.
    /// </summary>
    /// <param name="callback">The callback, run on the loop's thread.</param>
    /// <exception cref="InvalidOperationException">The loop is closed.</exception>
    public Handle CallSoonThreadsafe(Action callback)
    {
        ArgumentNullException.ThrowIfNull(callback);
        if (IsClosed) throw Closed();
        var handle = Handle.For(callback, ExecutionContext.Capture());
        _inbox.Enqueue(handle);
        Volatile.Write(ref _posted, 1);
        _signal.Set();
        return handle;
    }

    // A completion arriving from another thread (a bridged Task): dropped if the loop closed meanwhile,
    // because nothing on a closed loop can run any more.
    internal void PostFromOutside(Action callback)
    {
        try { CallSoonThreadsafe(callback); }
        catch (InvalidOperationException) when (IsClosed) { }
    }

    internal void CallSoonInternal(ILoopEntry handle)
    {
        var result = Scheduler.callSoon(_state);
        if (result.IsError) throw Closed();
        // Read in place: deconstructing the result copies it into temporaries the JIT zeroes first.
        _state = result.ResultValue.Item1;
        Store(result.ResultValue.Item2, handle);
    }

    internal void Unschedule(TimerKey key) => _timers = Scheduler.cancelTimer(key, _state, _timers);

    private readonly ReadyEntries _ready = new();

    private void Store(long number, ILoopEntry handle) => _ready.Store(number, handle);

    private static InvalidOperationException Closed() => new("Event loop is closed");

    // The loop's state is not thread-safe: while it runs, only its own thread may schedule directly.
    internal void CheckThread()
    {
        if (_state.Running && Environment.CurrentManagedThreadId != _owner)
            throw new InvalidOperationException("Non-thread-safe operation invoked on an event loop from another thread: use CallSoonThreadsafe.");
    }

    // ---- futures and tasks ------------------------------------------------------------------------

    /// <summary>Creates a pending future bound to this loop (works on a closed loop too).</summary>
    /// <typeparam name="T">The result type.</typeparam>
    public Future<T> CreateFuture<T>()
    {
        CheckThread();
        return new(this);
    }

    /// <summary>
    /// Wraps <paramref name="coroutine"/> in a task whose first step runs in the next iteration;
    /// nothing of the coroutine runs during this call. With eager start on a running loop the first
    /// step runs inside this call instead, as the current task (asyncio 3.12's <c>eager_start</c>); if
    /// the coroutine finishes there, the task is done when this returns.
    /// </summary>
    /// <param name="coroutine">A coroutine that has not started.</param>
    /// <param name="name">The task's name; <c>Task-N</c> when null.</param>
    /// <param name="eagerStart">Start eagerly (true) or lazily (false); null follows <see cref="SetTaskFactory"/>.</param>
    /// <param name="cancellationToken">Cancels the task when it fires (on the loop's thread); a token already cancelled cancels it before its first step.</param>
    /// <param name="context">The ExecutionContext the task's steps run in (asyncio's <c>create_task(context=...)</c>);
    /// null: the caller's, captured now. Each step carries on from where the last one left it.</param>
    /// <exception cref="InvalidOperationException">The loop is closed.</exception>
    /// <example>
    /// <code>
    /// var t = loop.CreateTask(Cached(), eagerStart: true);   // runs up to its first suspension now
    /// </code>
    /// </example>
    public LoopTask<T> CreateTask<T>(Coroutine<T> coroutine, string? name = null, bool? eagerStart = null, CancellationToken cancellationToken = default, ExecutionContext? context = null)
    {
        ArgumentNullException.ThrowIfNull(coroutine);
        CheckThread();
        if (IsClosed) throw Closed();
        var eager = eagerStart ?? _taskFactory?.EagerStart ?? false;
        var task = coroutine is Coroutine plain ? (LoopTask<T>)(object)new LoopTask(this, plain, name, eager, context) : new LoopTask<T>(this, coroutine, name, eager, context);
        task.Link(cancellationToken);
        return task;
    }

    /// <summary>Wraps a coroutine that returns nothing in a task; see <see cref="CreateTask{T}(Coroutine{T}, string?, bool?, CancellationToken, ExecutionContext?)"/>.</summary>
    public LoopTask CreateTask(Coroutine coroutine, string? name = null, bool? eagerStart = null, CancellationToken cancellationToken = default, ExecutionContext? context = null) =>
        (LoopTask)CreateTask<VoidResult>(coroutine, name, eagerStart, cancellationToken, context);

    private LoopTaskFactory? _taskFactory;

    /// <summary>
    /// Runs <paramref name="function"/> on a thread-pool thread and returns a future of this loop for its
    /// result (asyncio's <c>run_in_executor(None, f)</c>). <see cref="ShutdownDefaultExecutor"/> waits
    /// for the jobs started here.
    /// </summary>
    /// <exception cref="InvalidOperationException">The loop is closed, its executor was shut down, or the
    /// call came from another thread while the loop runs.</exception>
    /// <example><code>var size = await loop.RunInExecutor(() => new FileInfo(path).Length);</code></example>
    public Future<T> RunInExecutor<T>(Func<T> function)
    {
        ArgumentNullException.ThrowIfNull(function);
        CheckThread();
        if (IsClosed) throw Closed();
        if (_executorShutDown) throw new InvalidOperationException("Executor shutdown has been called");
        var job = Task.Run(function);
        // Finished jobs are dropped when the list has doubled since the last pruning: O(1) a job.
        var jobs = _executorJobs ??= [];
        jobs.Add(job);
        if (jobs.Count > _executorPruneAt)
        {
            jobs.RemoveAll(static j => j.IsCompleted);
            _executorPruneAt = Math.Max(64, 2 * jobs.Count);
        }
        return Asyncio.WrapTask(job, this);
    }

    // asyncio's default executor: the jobs RunInExecutor started that may still run (null: never used),
    // and whether ShutdownDefaultExecutor was called.
    private List<Task>? _executorJobs;
    private int _executorPruneAt = 64;
    private bool _executorShutDown;

    /// <summary>
    /// Waits for the jobs <see cref="RunInExecutor{T}"/> and <see cref="Asyncio.ToThread{T}(Func{T})"/>
    /// started to finish, at most <paramref name="timeout"/> seconds (asyncio's
    /// <c>shutdown_default_executor</c>); later jobs are refused. A timeout is reported to the exception
    /// handler, where asyncio warns. <see cref="Runner"/> and <see cref="Asyncio.Run{T}(Coroutine{T}, LoopClock, bool?)"/>
    /// run it before closing the loop, with asyncio's 300 seconds.
    /// </summary>
    /// <param name="timeout">Seconds to wait, or null for as long as it takes.</param>
    /// <example><code>loop.RunUntilComplete(loop.ShutdownDefaultExecutor());</code></example>
    public async Coroutine ShutdownDefaultExecutor(double? timeout = null)
    {
        _executorShutDown = true;
        if (_executorJobs is not { } jobs) return;
        var running = jobs.Where(static j => !j.IsCompleted).ToArray();
        if (running.Length == 0) return;
        // A job's own failure belongs to its future: waiting here only needs them ended.
        var ended = Task.WhenAll(running).ContinueWith(static _ => { }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        try
        {
            await Asyncio.WaitFor(Asyncio.WrapTask(ended, this), timeout);
        }
        catch (TimeoutException)
        {
            var seconds = timeout!.Value.ToString(System.Globalization.CultureInfo.InvariantCulture);
            CallExceptionHandler(new ExceptionContext($"The executor did not finishing joining its threads within {seconds} seconds."));
        }
    }

    /// <summary>
    /// Sets how <see cref="CreateTask{T}(Coroutine{T}, string?, bool?, CancellationToken, ExecutionContext?)"/> starts tasks when the caller
    /// does not say: <see cref="Asyncio.EagerTaskFactory"/> makes every task eager, null restores the
    /// default (lazy) start (asyncio's <c>set_task_factory</c>).
    /// </summary>
    /// <param name="factory">The factory, or null.</param>
    /// <example><code>loop.SetTaskFactory(Asyncio.EagerTaskFactory);</code></example>
    public void SetTaskFactory(LoopTaskFactory? factory) => _taskFactory = factory;

    /// <summary>The factory set by <see cref="SetTaskFactory"/>, or null for the default.</summary>
    public LoopTaskFactory? GetTaskFactory() => _taskFactory;

    internal void EnterTask(ITaskStepper task)
    {
        if (_currentTask is not null)
            throw new InvalidOperationException($"Cannot enter into task {task} while another task {_currentTask} is being executed.");
        _currentTask = task;
    }

    internal void LeaveTask(ITaskStepper task) => _currentTask = null;

    // An eager task's first step runs inside whoever created it: that one is current again afterwards.
    internal ITaskStepper? SwapCurrentTask(ITaskStepper? task)
    {
        var previous = _currentTask;
        _currentTask = task;
        return previous;
    }
}
