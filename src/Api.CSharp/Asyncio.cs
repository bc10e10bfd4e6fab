using Aio.Awaiters;

namespace Aio;

/// <summary>
/// asyncio's module-level functions: finding and running loops, creating tasks, sleeping; and, in the
/// <c>Composition/Asyncio.*.cs</c> parts, composing tasks (<c>Gather</c>, <c>Wait</c>, <c>WaitFor</c>,
/// <c>Timeout</c>, <c>Shield</c>, <c>AsCompleted</c>).
/// </summary>
/// <example>
/// <code>
/// static async Coroutine&lt;int&gt; Main2() { await Asyncio.Sleep(0.01); return 42; }
/// int answer = Asyncio.Run(Main2());
/// </code>
/// </example>
public static partial class Asyncio
{
    [ThreadStatic] private static Loop? s_current;

    /// <summary>
    /// The running loop when called from a callback or task; otherwise this thread's current loop,
    /// creating (and setting) a new one if there is none or it is closed.
    /// </summary>
    public static Loop GetEventLoop()
    {
        if (Loop.RunningOnThisThread is { } running) return running;
        if (s_current is { IsClosed: false } current) return current;
        return s_current = new Loop();
    }

    /// <summary>Creates a new loop that is not current anywhere.</summary>
    /// <param name="clock">Real monotonic time (default) or a virtual clock.</param>
    public static Loop NewEventLoop(LoopClock clock = LoopClock.Monotonic) => new(clock);

    /// <summary>Makes <paramref name="loop"/> this thread's current loop (null clears it).</summary>
    public static void SetEventLoop(Loop? loop) => s_current = loop;

    /// <summary>The loop running on this thread.</summary>
    /// <exception cref="InvalidOperationException">No loop is running on this thread.</exception>
    public static Loop GetRunningLoop() =>
        Loop.RunningOnThisThread ?? throw new InvalidOperationException("no running event loop");

    // This thread's current loop as SetEventLoop left it, for a Runner to put back when it closes.
    internal static Loop? CurrentLoopOrNull => s_current;

    /// <summary>
    /// Runs <paramref name="main"/> on a new loop and returns its result; then cancels every task still
    /// pending, lets them clean up, reports any that failed, and closes the loop. The new loop is this
    /// thread's current loop while it runs; the previous one is current again afterwards. One run of a
    /// fresh <see cref="Runner"/>.
    /// </summary>
    /// <param name="main">The program's main coroutine.</param>
    /// <param name="clock">The new loop's clock.</param>
    /// <param name="debug">If not null, the new loop's <see cref="Loop.Debug"/>.</param>
    /// <exception cref="InvalidOperationException">Called while a loop runs on this thread.</exception>
    public static T Run<T>(Coroutine<T> main, LoopClock clock = LoopClock.Monotonic, bool? debug = null)
    {
        ArgumentNullException.ThrowIfNull(main);
        CheckNotRunning();
        using var runner = new Runner(clock, debug);
        return runner.Run(main);
    }

    /// <summary>Runs a coroutine that returns nothing; see <see cref="Run{T}(Coroutine{T}, LoopClock, bool?)"/>.</summary>
    public static void Run(Coroutine main, LoopClock clock = LoopClock.Monotonic, bool? debug = null) => Run<VoidResult>(main, clock, debug);

    /// <summary>
    /// Runs <paramref name="main"/> on the loop <paramref name="loopFactory"/> makes (asyncio's
    /// <c>run(main, loop_factory=...)</c>), shutting it down and closing it afterwards; the loop is
    /// not made this thread's current loop.
    /// </summary>
    /// <example><code>Asyncio.Run(Main(), () => new Loop(fakeTimeProvider));</code></example>
    public static T Run<T>(Coroutine<T> main, Func<Loop> loopFactory, bool? debug = null)
    {
        ArgumentNullException.ThrowIfNull(main);
        CheckNotRunning();
        using var runner = new Runner(loopFactory, debug);
        return runner.Run(main);
    }

    /// <summary>Runs a coroutine that returns nothing on a loop <paramref name="loopFactory"/> makes.</summary>
    public static void Run(Coroutine main, Func<Loop> loopFactory, bool? debug = null) => Run<VoidResult>(main, loopFactory, debug);

    private static void CheckNotRunning()
    {
        if (Loop.RunningOnThisThread is not null)
            throw new InvalidOperationException("asyncio.run() cannot be called from a running event loop");
    }

    /// <summary>Creates a task on the running loop; see <see cref="Loop.CreateTask{T}(Coroutine{T}, string?, bool?, CancellationToken, ExecutionContext?)"/>.</summary>
    /// <exception cref="InvalidOperationException">No loop is running on this thread.</exception>
    public static LoopTask<T> CreateTask<T>(Coroutine<T> coroutine, string? name = null, bool? eagerStart = null, CancellationToken cancellationToken = default, ExecutionContext? context = null) =>
        GetRunningLoop().CreateTask(coroutine, name, eagerStart, cancellationToken, context);

    /// <summary>Creates a task for a coroutine that returns nothing, on the running loop.</summary>
    public static LoopTask CreateTask(Coroutine coroutine, string? name = null, bool? eagerStart = null, CancellationToken cancellationToken = default, ExecutionContext? context = null) =>
        GetRunningLoop().CreateTask(coroutine, name, eagerStart, cancellationToken, context);

    /// <summary>
    /// The factory that starts every task eagerly (asyncio's <c>eager_task_factory</c>):
    /// <c>loop.SetTaskFactory(Asyncio.EagerTaskFactory)</c>.
    /// </summary>
    public static LoopTaskFactory EagerTaskFactory => LoopTaskFactory.Eager;

    /// <summary>
    /// A future is returned as it is; a coroutine becomes a new task (starting in the next iteration,
    /// whether or not anyone awaits it).
    /// </summary>
    /// <param name="future">A future or task.</param>
    /// <param name="loop">If given, the future must belong to it.</param>
    /// <exception cref="ArgumentException">The future belongs to another loop.</exception>
    public static Future<T> EnsureFuture<T>(Future<T> future, Loop? loop = null)
    {
        ArgumentNullException.ThrowIfNull(future);
        if (loop is not null && !ReferenceEquals(loop, future.Loop))
            throw new ArgumentException("The future belongs to a different loop than the one specified as the loop argument");
        return future;
    }

    /// <summary>Wraps a coroutine in a task on <paramref name="loop"/> (default: <see cref="GetEventLoop"/>).</summary>
    public static LoopTask<T> EnsureFuture<T>(Coroutine<T> coroutine, Loop? loop = null) =>
        (loop ?? GetEventLoop()).CreateTask(coroutine);

    /// <summary>Wraps a coroutine that returns nothing in a task.</summary>
    public static LoopTask EnsureFuture(Coroutine coroutine, Loop? loop = null) =>
        (loop ?? GetEventLoop()).CreateTask(coroutine);

    /// <summary>
    /// The untyped entry: a future is returned as it is (see <see cref="EnsureFuture{T}(Future{T}, Loop?)"/>),
    /// a coroutine becomes a new task, and any other awaitable — a <see cref="System.Threading.Tasks.Task"/>,
    /// or an object with a public <c>GetAwaiter()</c> method, as <c>await</c> accepts — is wrapped in a
    /// <see cref="LoopTask{T}"/> of <see cref="object"/> that awaits it and returns its result (null when
    /// it has none). Anything else raises <see cref="ArgumentTypeException"/>.
    /// </summary>
    public static Future EnsureFuture(object awaitable, Loop? loop = null) =>
        awaitable is Future f ? EnsureFutureChecked(f, loop) : EnsureFutureOn(loop ?? GetEventLoop(), awaitable);

    private static Future EnsureFutureChecked(Future future, Loop? loop)
    {
        if (loop is not null && !ReferenceEquals(loop, future.Loop))
            throw new ArgumentException("The future belongs to a different loop than the one specified as the loop argument");
        return future;
    }

    internal static Future EnsureFutureOn(Loop loop, object? awaitable) => awaitable switch
    {
        Future f => f,
        ICoroutine c => c.CreateTaskOn(loop),
        _ when AwaiterPattern.TryBind(awaitable) is { } other => loop.CreateTask(AwaitOther(other)),
        _ => throw new ArgumentTypeException("An asyncio.Future, a coroutine or an awaitable is required"),
    };

    private static async Coroutine<object?> AwaitOther(AwaiterPattern awaitable) => await awaitable;

    /// <summary>
    /// Suspends the current task for <paramref name="seconds"/>. Zero or negative yields for exactly one
    /// loop iteration (other ready callbacks run first) without creating a timer.
    /// </summary>
    /// <param name="seconds">The delay.</param>
    /// <exception cref="ArgumentException">The delay is NaN: raised where it is awaited, as asyncio raises it
    /// when the sleep coroutine runs.</exception>
    /// <example><code>await Asyncio.Sleep(0.5);</code></example>
    public static SleepAwaitable Sleep(double seconds) => new(seconds);

    /// <summary>Suspends the current task for <paramref name="delay"/>; see <see cref="Sleep(double)"/>.</summary>
    public static SleepAwaitable Sleep(TimeSpan delay) => Sleep(delay.TotalSeconds);

    /// <summary>Sleeps, then returns <paramref name="result"/> (asyncio's <c>sleep(delay, result)</c>).</summary>
    public static async Coroutine<T> Sleep<T>(double seconds, T result)
    {
        await Sleep(seconds);
        return result;
    }

    /// <summary>The task whose step is running on <paramref name="loop"/> (default: the running loop), or null.</summary>
    /// <exception cref="InvalidOperationException">No loop was given and none is running.</exception>
    public static ILoopTask? CurrentTask(Loop? loop = null) => (loop ?? GetRunningLoop()).CurrentTask;

    /// <summary>The unfinished tasks of <paramref name="loop"/> (default: the running loop), in creation order.</summary>
    public static IReadOnlyList<ILoopTask> AllTasks(Loop? loop = null) => (loop ?? GetRunningLoop()).LiveTasks;
}
