using Aio.Core;
using Microsoft.FSharp.Core;

namespace Aio;

/// <summary>
/// Owns one loop across several runs (asyncio's <c>Runner</c>): the loop is made on first use, each
/// <see cref="Run{T}(Coroutine{T}, CancellationToken, ExecutionContext?)"/> drives one main coroutine to its end on it, and
/// <see cref="Close"/> (or <c>Dispose</c>) cancels what is still pending, lets it clean up, reports
/// tasks that failed, waits for executor jobs (<see cref="Loop.ShutdownDefaultExecutor"/>), and closes
/// the loop. <see cref="Asyncio.Run{T}(Coroutine{T}, LoopClock, bool?)"/>
/// is one run of a fresh runner. Use it where a synchronous host calls async code more than once:
/// a test fixture, a console command loop, a plug-in.
/// </summary>
/// <remarks>
/// Every main coroutine runs in the runner's own ExecutionContext, captured when the loop is made and
/// carried from one run to the next: an <see cref="AsyncLocal{T}"/> the first run's main task sets is
/// what the second run's main task starts with, and the caller's own context never sees it. A runner
/// belongs to the thread that made its loop; <c>Run</c> and <c>Close</c> from any other thread are
/// refused.
/// </remarks>
/// <example>
/// <code>
/// using var runner = new Runner();
/// var config = runner.Run(LoadConfig());
/// runner.Run(Serve(config));
/// // leaving the scope cancels leftovers and closes the loop
/// </code>
/// </example>
public sealed class Runner : IDisposable
{
    private readonly LoopClock _clock;
    private readonly Func<Loop>? _loopFactory;
    private readonly bool? _debug;
    private RunnerLife _life = RunnerLife.RunnerCreated;
    private Loop? _loop;
    private ExecutionContext? _context;
    private int _thread;
    private bool _setCurrent;
    private Loop? _previousCurrent;

    /// <summary>A runner whose loop will use <paramref name="clock"/> and become this thread's current loop.</summary>
    /// <param name="clock">Real monotonic time (default) or a virtual clock.</param>
    /// <param name="debug">If not null, the loop's <see cref="Loop.Debug"/> is set to it.</param>
    public Runner(LoopClock clock = LoopClock.Monotonic, bool? debug = null)
    {
        _clock = clock;
        _debug = debug;
    }

    /// <summary>
    /// A runner whose loop <paramref name="loopFactory"/> makes. As in asyncio, such a loop is not made
    /// the thread's current loop.
    /// </summary>
    /// <param name="loopFactory">Called once, on first use; must return a new loop that is not closed.</param>
    /// <param name="debug">If not null, the loop's <see cref="Loop.Debug"/> is set to it.</param>
    /// <example><code>using var runner = new Runner(() => new Loop(fakeTimeProvider));</code></example>
    public Runner(Func<Loop> loopFactory, bool? debug = null)
    {
        ArgumentNullException.ThrowIfNull(loopFactory);
        _loopFactory = loopFactory;
        _debug = debug;
    }

    /// <summary>The runner's loop, made now if this is the first use.</summary>
    /// <exception cref="InvalidOperationException">The runner is closed.</exception>
    public Loop GetLoop() => Use(RunnerState.useLoop(_life));

    /// <summary>
    /// Runs <paramref name="main"/> as a task on the runner's loop until it finishes, and returns its
    /// result or throws its exception. Tasks it leaves pending stay on the loop for the next run.
    /// </summary>
    /// <param name="main">The coroutine to run.</param>
    /// <param name="cancellationToken">Cancels the main task (from any thread), as Ctrl+C does in asyncio's runner.</param>
    /// <param name="context">The ExecutionContext to run the main task in instead of the runner's own
    /// (asyncio's <c>run(coro, context=...)</c>); the runner's is then left as it was.</param>
    /// <exception cref="InvalidOperationException">
    /// A loop is running on this thread, the runner is closed, or it belongs to another thread.
    /// </exception>
    /// <exception cref="CancelledException">The main task was cancelled.</exception>
    public T Run<T>(Coroutine<T> main, CancellationToken cancellationToken = default, ExecutionContext? context = null)
    {
        ArgumentNullException.ThrowIfNull(main);
        var loop = Use(RunnerState.run(Loop.RunningOnThisThread is not null, _life));
        CheckThread(nameof(Run));
        var task = loop.CreateTask(main, cancellationToken: cancellationToken, context: context ?? _context);
        try
        {
            return loop.RunUntilComplete(task);
        }
        finally
        {
            if (context is null) _context = task.GetContext() ?? _context;
        }
    }

    /// <summary>Runs a coroutine that returns nothing; see <see cref="Run{T}(Coroutine{T}, CancellationToken, ExecutionContext?)"/>.</summary>
    public void Run(Coroutine main, CancellationToken cancellationToken = default, ExecutionContext? context = null) =>
        Run<VoidResult>(main, cancellationToken, context);

    /// <summary>
    /// Cancels every task still pending on the loop, runs the loop until they have finished, reports
    /// through the exception handler each that ended with an exception, waits for the jobs of
    /// <see cref="Loop.RunInExecutor{T}"/> and <see cref="Asyncio.ToThread{T}(Func{T})"/> (up to 300
    /// seconds, as asyncio), and closes the loop. A runner that never made its loop is left as it is
    /// (it can still run); a closed one too. Once closed, the runner refuses to run.
    /// </summary>
    /// <exception cref="InvalidOperationException">Called while a loop runs on this thread, or from another thread than the runner's.</exception>
    public void Close()
    {
        var decision = RunnerState.close(Loop.RunningOnThisThread is not null, _life);
        if (decision.IsError) throw Refused(decision.ErrorValue);
        var (life, steps) = decision.ResultValue;
        if (steps.IsEmpty) return;
        CheckThread(nameof(Close));
        _life = life;
        var loop = _loop!;
        try
        {
            foreach (var step in steps.Where(step => !step.IsCloseLoop)) Shut(loop, step);
        }
        finally
        {
            // CloseLoop, the last step, is carried out whatever an earlier one threw.
            loop.Close();
            if (_setCurrent) Asyncio.SetEventLoop(_previousCurrent);
            _loop = null;
            _previousCurrent = null;
            _context = null;
        }
    }

    private static void Shut(Loop loop, ShutdownStep step)
    {
        switch (step)
        {
            case var s when s.IsCancelLeftovers:
                CancelLeftovers(loop);
                break;
            case var s when s.IsShutdownAsyncgens:
                loop.RunUntilComplete(ShutdownAsyncgens());
                break;
            case ShutdownStep.ShutdownDefaultExecutor executor:
                loop.RunUntilComplete(loop.ShutdownDefaultExecutor(executor.timeout));
                break;
        }
    }

    /// <summary>Same as <see cref="Close"/>.</summary>
    public void Dispose() => Close();

    // Carries out a use of the loop the core allowed: makes the loop the first time.
    private Loop Use(FSharpResult<ValueTuple<RunnerLife, bool>, RunnerRefusal> decision)
    {
        if (decision.IsError) throw Refused(decision.ErrorValue);
        var (life, make) = decision.ResultValue;
        if (make) Make();
        _life = life;
        return _loop!;
    }

    private void Make()
    {
        Loop loop;
        if (_loopFactory is null)
        {
            loop = new Loop(_clock);
            _previousCurrent = Asyncio.CurrentLoopOrNull;
            Asyncio.SetEventLoop(loop);
            _setCurrent = true;
        }
        else
        {
            loop = _loopFactory() ?? throw new InvalidOperationException("The loop factory returned null");
            if (loop.IsClosed) throw new InvalidOperationException("The loop factory returned a closed loop");
        }
        if (_debug is { } debug) loop.Debug = debug;
        _loop = loop;
        _context = ExecutionContext.Capture();
        _thread = Environment.CurrentManagedThreadId;
    }

    private static InvalidOperationException Refused(RunnerRefusal refusal) => new(
        refusal.IsRunnerIsClosed ? "Runner is closed"
        : refusal.IsRunInsideRunningLoop ? "Runner.run() cannot be called from a running event loop"
        : "Runner.close() cannot be called from a running event loop");

    // The async-generator step (RunnerState.close says why it is taken although it has nothing to do).
#pragma warning disable CS1998
    private static async Coroutine ShutdownAsyncgens() { }
#pragma warning restore CS1998

    private void CheckThread(string member)
    {
        if (Environment.CurrentManagedThreadId != _thread)
            throw new InvalidOperationException($"Runner.{member}() was called from another thread than the one that made the runner's loop; call it from that thread");
    }

    // asyncio.run's shutdown, as the core's RunShutdown plans it: cancel the leftovers in creation
    // order, wait for all of them (as gather(return_exceptions=True) would), then report each that
    // ended with an exception rather than a cancellation.
    private static void CancelLeftovers(Loop loop)
    {
        var leftovers = loop.LiveTasks;
        if (RunShutdown.start(leftovers.Count).IsCloseNow) return;
        foreach (var task in leftovers) task.Cancel();
        var all = loop.CreateFuture<VoidResult>();
        var remaining = leftovers.Count;
        foreach (var task in leftovers)
            task.AsFuture.AddDoneCallbackNoContext([AsyncioName("gather.<locals>._done_callback")] (_) =>
            {
                if (--remaining == 0 && !all.Done) all.SetResult(default);
            });
        loop.RunUntilComplete(all);
        var outcomes = new ChildOutcome[leftovers.Count];
        for (var i = 0; i < outcomes.Length; i++) outcomes[i] = leftovers[i].AsFuture.ChildOutcome;
        foreach (var i in RunShutdown.reports(outcomes))
        {
            var task = leftovers[i];
            loop.CallExceptionHandler(new ExceptionContext("unhandled exception during asyncio.run() shutdown")
            {
                ["exception"] = task.AsFuture.Exception(),
                ["task"] = task,
            });
        }
    }
}
