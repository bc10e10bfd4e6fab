using Aio.Core;
using Microsoft.FSharp.Core;

namespace Aio;

// The run loop: the only place user callbacks run. The core decides how long to wait, which timers
// fall due and which handle comes next; this file reads the clock, waits, and runs what it is told,
// each callback guarded so that an exception goes to the exception handler and the loop keeps going.
public sealed partial class Loop
{
    /// <summary>
    /// Runs iterations until <see cref="Stop"/> is called. <c>Stop()</c> lets the current iteration
    /// finish; called before <c>RunForever()</c>, it makes the run perform exactly one iteration.
    /// </summary>
    /// <exception cref="InvalidOperationException">The loop is closed, already running, or another loop runs on this thread.</exception>
    public void RunForever()
    {
        _state = Accept(Scheduler.startRun(s_running is not null, _state));
        var previous = s_running;
        s_running = this;
        _owner = Environment.CurrentManagedThreadId;
        Volatile.Write(ref _runningForReports, 1);
        // While the loop runs it is its thread's SynchronizationContext: plain async code started on the
        // loop thread (a helper a coroutine calls) continues on the loop, not on the thread pool.
        var previousContext = SynchronizationContext.Current;
        SynchronizationContext.SetSynchronizationContext(_syncContext ??= new LoopSynchronizationContext(this));
        try
        {
            while (true)
            {
                RunOnce();
                var (state, stop) = Scheduler.endIteration(_state);
                _state = state;
                if (stop) break;
            }
        }
        finally
        {
            _state = Scheduler.endRun(_state);
            // A full fence between clearing the flag and the last look at the reports: a finalizer
            // that saw the flag set and queued a report after this look delivers it itself.
            Interlocked.Exchange(ref _runningForReports, 0);
            DeliverFinalizerReports();
            if (Tasks.SweepDue) Tasks.Sweep();
            s_running = previous;
            SynchronizationContext.SetSynchronizationContext(previousContext);
        }
    }

    private LoopSynchronizationContext? _syncContext;

    /// <summary>
    /// Asks a running loop to stop after the current iteration. Safe from any thread: from another one
    /// the request is handed to the loop's thread, which it also wakes.
    /// </summary>
    public void Stop()
    {
        // From another thread while the loop runs (or waits): the stop is handed to the loop's thread,
        // which also wakes it; the loop's state is only ever touched there.
        if (_state.Running && Environment.CurrentManagedThreadId != _owner)
        {
            PostFromOutside(Stop);
            return;
        }
        _state = Scheduler.stop(_state);
    }

    // Refuses a run (or a close) the core refused, with asyncio's messages.
    private static LoopState Accept(FSharpResult<LoopState, RunRefusal> decision)
    {
        if (decision.IsOk) return decision.ResultValue;
        throw Refused(decision.ErrorValue);
    }

    private static Exception Refused(RunRefusal refusal)
    {
        if (refusal.IsRunOnClosedLoop) return Closed();
        if (refusal.IsAlreadyRunning) return new InvalidOperationException("This event loop is already running");
        if (refusal.IsAnotherLoopRunning) return new InvalidOperationException("Cannot run the event loop while another loop is running");
        return new InvalidOperationException("Cannot close a running event loop");
    }

    // The checks a run makes, before anything (a task, a callback) is created for it.
    private void CheckRunnable() => Accept(Scheduler.startRun(s_running is not null, _state));

    // One iteration, SEMANTICS §1.2: the core's Scheduler.next says what to do (read the clock, wait,
    // or run this batch) and is asked again after each of the first two; this method only carries it out.
    private void RunOnce()
    {
        // A virtual clock is free to read; the real one only when the core asks.
        var now = _policy.IsVirtualClock ? _virtualNow : double.NaN;
        while (true)
        {
            // Submissions from other threads join the ready queue first (CPython's call_soon_threadsafe
            // appends to it directly). The signal is reset before the flag is read, so a submission that
            // races past the read sets it again and the wait below returns at once: none is stranded.
            if (_signal.IsSet) _signal.Reset();
            if (Volatile.Read(ref _posted) != 0) TakeSubmissions();
            var decided = Scheduler.next(_policy, now, s_resolution, _state, _timers);
            _state = decided.Item1;
            _timers = decided.Item2;
            var step = decided.Item3;
            switch (step.Tag)
            {
                case Iteration<RefSlot<ITimerEntry>>.Tags.ReadClock:
                    now = Time();
                    continue;
                case Iteration<RefSlot<ITimerEntry>>.Tags.Wait:
                    now = Wait(step.wait, now);
                    continue;
            }
            RunBatch(step.due!, step.first, step.last);
            return;
        }
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private void TakeSubmissions()
    {
        Interlocked.Exchange(ref _posted, 0);
        DeliverFinalizerReports();
        if (Tasks.SweepDue) Tasks.Sweep();
        // In submission order; one cancelled meanwhile is skipped when its turn comes, like any other.
        while (_inbox.TryDequeue(out var submitted)) CallSoonInternal(submitted);
    }

    // Carries out a wait and returns the clock reading the iteration goes on with (NaN: read it again).
    // Apart from RunOnce, which runs once per iteration, busy or not: a wait is the idle path.
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private double Wait(WaitDecision wait, double now)
    {
        if (wait.IsSleepFor)
        {
            // Whole milliseconds, rounded up as asyncio's selectors do: a shorter wait would return at
            // once and spin through empty iterations until the deadline.
            WaitFor(now, wait.seconds);
            return double.NaN;
        }
        if (wait.IsAdvanceClockTo)
        {
            _virtualNow = Math.Max(_virtualNow, wait.instant);
            return _virtualNow;
        }
        _signal.Wait();
        return _policy.IsVirtualClock ? now : double.NaN;
    }

    private void RunBatch(RefSlot<ITimerEntry>[] due, long first, long last)
    {
        // The due timers' entries continue the queue, just before the batch's end.
        var number = last - due.Length;
        foreach (var slot in due)
        {
            var timer = slot.Value!;
            timer.FallDue();
            Store(number++, timer);
        }
        number = first;
        try
        {
            for (; number < last; number++)
            {
                var handle = _ready.Take(number);
                if (handle.ShouldRun) RunGuarded(handle);
            }
        }
        finally
        {
            // Only a fatal exception leaves the batch early (RunGuarded keeps every other one): the entry
            // that raised it is consumed, the rest of the batch runs first in the next run, as asyncio
            // leaves them in its ready queue after a KeyboardInterrupt.
            if (number < last) _state = Scheduler.batchInterrupted(number + 1, _state);
        }
    }

    // Waits for the next deadline, or for a submission that wakes the loop sooner. With a TimeProvider
    // the wait is one of its timers, so that a fake clock's Advance wakes the loop.
    private void WaitFor(double now, double seconds)
    {
        if (_provider is null || ReferenceEquals(_provider, TimeProvider.System))
        {
            _signal.Wait((int)Math.Min(Math.Ceiling(seconds * 1000), int.MaxValue));
            return;
        }
        _providerWake ??= _provider.CreateTimer(static s => ((ManualResetEventSlim)s!).Set(), _signal, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        // The provider's timers count from its own "now", which may have moved since the loop read it
        // (a test advancing a fake clock from its thread): aim at the deadline, and look again once the
        // timer is set, so that a clock that already passed the deadline is not waited for.
        var deadline = now + seconds;
        _providerWake.Change(TimeSpan.FromSeconds(Math.Max(deadline - Time(), 0)), Timeout.InfiniteTimeSpan);
        if (Time() >= deadline) return;
        _signal.Wait();
    }

    private void RunGuarded(ILoopEntry handle)
    {
        try
        {
            handle.Run();
        }
        catch (Exception e) when (!FatalExceptions.Is(e))
        {
            ReportCallbackError(handle, e);
        }
    }

    // Out of line: building the context inside RunGuarded would reserve (and zero) its temporaries'
    // stack space on every callback.
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private void ReportCallbackError(ILoopEntry handle, Exception e) =>
        // asyncio names the callback here, not the handle (which the context carries).
        CallExceptionHandler(new ExceptionContext($"Exception in callback {(handle is Handle h ? h.CallbackSource : handle.ToString())}") { ["exception"] = e, ["handle"] = handle });

    // ---- run_until_complete -----------------------------------------------------------------------

    private static readonly Action<Future> s_stopWhenDone = [AsyncioName("_run_until_complete_cb")] static (f) => f.Loop.Stop();

    /// <summary>
    /// Runs the loop until <paramref name="future"/> is done and returns its result, or throws its
    /// exception. A future that is already done still costs one full iteration.
    /// </summary>
    /// <exception cref="InvalidOperationException">The loop is closed or already running, or stopped before the future completed.</exception>
    /// <exception cref="ArgumentException">The future belongs to another loop.</exception>
    public T RunUntilComplete<T>(Future<T> future)
    {
        RunUntilDone(future);
        return future.Result();
    }

    /// <summary>Runs <paramref name="coroutine"/> as a task until it finishes and returns its result.</summary>
    public T RunUntilComplete<T>(Coroutine<T> coroutine)
    {
        CheckRunnable();
        var task = CreateTask(coroutine);
        // The task is the run's own: if the run stops before it finishes and it is dropped, asyncio says nothing.
        ((ITaskStepper)task).DoNotReportIfDestroyedPending();
        return RunUntilComplete(task);
    }

    /// <summary>Runs a coroutine that returns nothing until it finishes.</summary>
    public void RunUntilComplete(Coroutine coroutine) => RunUntilComplete<VoidResult>(coroutine);

    /// <summary>Runs until any future is done; throws its exception if it failed.</summary>
    public void RunUntilComplete(Future future)
    {
        RunUntilDone(future);
        future.ThrowIfFailed();
    }

    /// <summary>
    /// The untyped entry: a <see cref="Future"/> or a coroutine, anything else raises
    /// <see cref="ArgumentTypeException"/>. Returns the result as an object.
    /// </summary>
    public object? RunUntilComplete(object awaitable)
    {
        CheckRunnable();
        var future = Asyncio.EnsureFutureOn(this, awaitable);
        if (!ReferenceEquals(future, awaitable) && future is ITaskStepper made) made.DoNotReportIfDestroyedPending();
        RunUntilDone(future);
        return future.ResultObject();
    }

    private void RunUntilDone(Future future)
    {
        ArgumentNullException.ThrowIfNull(future);
        CheckRunnable();
        if (!ReferenceEquals(future.Loop, this))
            throw new ArgumentException("The future belongs to a different loop than the one specified as the loop argument");
        future.AddDoneCallbackNoContext(s_stopWhenDone);
        try
        {
            RunForever();
        }
        finally
        {
            future.RemoveDoneCallback(s_stopWhenDone);
        }
        if (!future.Done) throw new InvalidOperationException("Event loop stopped before Future completed.");
    }

    // ---- closing ----------------------------------------------------------------------------------

    /// <summary>
    /// Closes the loop: queued callbacks and timers are discarded without running. Idempotent.
    /// Afterwards every scheduling call and every run raises "Event loop is closed".
    /// </summary>
    /// <exception cref="InvalidOperationException">The loop is running.</exception>
    public void Close()
    {
        if (IsClosed) return;
        var leftoversReported = Debug && !IsRunning;
        if (leftoversReported) ReportLeftovers();
        var closed = Scheduler.close(_state, _timers);
        if (closed.IsError) throw Refused(closed.ErrorValue);
        (_state, _timers) = closed.ResultValue;
        _ready.Clear(_state.Ready.Tail);
        while (_inbox.TryDequeue(out _)) { }
        _providerWake?.Dispose();
        DeliverFinalizerReports();
        Tasks.Close(leftoversReported);
    }

    // After a collection, from the finalizer thread: a running loop sweeps the task registry at its next
    // iteration; one that is not running (or is closed) is swept here and now, its reports made on this
    // thread, as ReportFromFinalizer does for the unretrieved ones.
    internal void SweepAfterCollection()
    {
        if (Volatile.Read(ref _runningForReports) == 0)
        {
            Tasks.Sweep();
            return;
        }
        Volatile.Write(ref _posted, 1);
        _signal.Set();
        // The run may have ended between the check and the signal, after its last look at the registry.
        if (Volatile.Read(ref _runningForReports) == 0) Tasks.Sweep();
    }

    // Called by an UnretrievedReport's finalizer. A running loop gets the report on its own thread;
    // one that is not running has no thread to deliver it, so the handler runs here, as CPython's
    // __del__ calls it from wherever the collection happened.
    internal void ReportFromFinalizer(ExceptionContext context)
    {
        if (Volatile.Read(ref _runningForReports) == 0)
        {
            CallExceptionHandler(context);
            return;
        }
        _finalizerReports.Enqueue(context);
        Volatile.Write(ref _posted, 1);
        _signal.Set();
        // The run may have ended between the check and the enqueue, after its last look at the queue.
        if (Volatile.Read(ref _runningForReports) == 0) DeliverFinalizerReports();
    }

    private void DeliverFinalizerReports()
    {
        while (_finalizerReports.TryDequeue(out var report)) CallExceptionHandler(report);
    }

    /// <summary>Same as <see cref="Close"/>.</summary>
    public void Dispose() => Close();

    private void ReportLeftovers()
    {
        foreach (var task in LiveTasks)
            CallExceptionHandler(new ExceptionContext("Task was destroyed but it is pending!") { ["task"] = task });
        UnretrievedReport[] reports;
        lock (_debugReports)
        {
            reports = [.. _debugReports];
            _debugReports.Clear();
        }
        foreach (var report in reports)
            if (report.TryClaim()) CallExceptionHandler(report.Context());
    }

    private readonly HashSet<UnretrievedReport> _debugReports = [];

    internal void TrackForDebug(UnretrievedReport report)
    {
        if (Debug) lock (_debugReports) _debugReports.Add(report);
    }

    // A report that was read (or went out through a collection) no longer keeps its future alive here.
    internal void UntrackForDebug(UnretrievedReport report)
    {
        if (Debug) lock (_debugReports) _debugReports.Remove(report);
    }
}
