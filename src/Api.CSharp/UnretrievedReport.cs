namespace Aio;

// The "exception was never retrieved" report (SEMANTICS §2.6). Only a failed future gets one, so
// futures that succeed pay nothing for finalization. The future and its report point at each other:
// once both are unreachable the report's finalizer runs and tells the loop's exception handler, unless
// someone read the exception first (Disarm).
internal sealed class UnretrievedReport(Future future, Exception error)
{
    private int _disarmed;

    public void Disarm()
    {
        if (Interlocked.Exchange(ref _disarmed, 1) != 0) return;
        GC.SuppressFinalize(this);
        future.Loop.UntrackForDebug(this);
    }

    // Also used by the loop's debug mode, which reports on Close() without waiting for a collection.
    public bool TryClaim() => Interlocked.Exchange(ref _disarmed, 1) == 0;

    public ExceptionContext Context()
    {
        var isTask = future is ILoopTask;
        var context = new ExceptionContext(isTask ? "Task exception was never retrieved" : "Future exception was never retrieved")
        {
            ["exception"] = error,
            ["future"] = future,
        };
        if (isTask) context["task"] = future;
        return context;
    }

    // The finalizer thread must not run loop code beside a running loop: the report then goes through
    // the thread-safe inbox and the handler runs on the loop's thread, in a later iteration. A loop
    // that is not running has no thread of its own to deliver it: the handler runs here, as CPython's
    // __del__ calls it from wherever the collection happened.
    ~UnretrievedReport()
    {
        if (Volatile.Read(ref _disarmed) != 0) return;
        var loop = future.Loop;
        var context = Context();
        if (loop.IsRunning && !loop.IsClosed)
        {
            try
            {
                loop.CallSoonThreadsafe(() => loop.CallExceptionHandler(context));
                return;
            }
            catch (InvalidOperationException) when (loop.IsClosed)
            {
                // Closed meanwhile: nothing runs there any more, so report here.
            }
        }
        loop.CallExceptionHandler(context);
    }
}
