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
        // asyncio's keys exactly: a task's report names it under "future" too.
        return new ExceptionContext(future is ILoopTask ? "Task exception was never retrieved" : "Future exception was never retrieved")
        {
            ["exception"] = error,
            ["future"] = future,
        };
    }

    // The loop decides which thread runs the handler (Loop.ReportFromFinalizer): its own while it runs.
    ~UnretrievedReport()
    {
        if (Volatile.Read(ref _disarmed) != 0) return;
        future.Loop.ReportFromFinalizer(Context());
    }
}
