namespace Aio;

// Runs loop work in the execution context captured for it (SEMANTICS §2.3, §3.1).
internal static class InContext
{
    // ExecutionContext.Default, which the runtime keeps internal: what Capture() returns on a thread that
    // no context flowed into (one started with UnsafeStart). Taken once per process, so that a handle
    // scheduled from the default context can leave its context field out and still run in exactly it.
    public static readonly ExecutionContext? Default = CaptureOnAFreshThread();

    private static ExecutionContext? CaptureOnAFreshThread()
    {
        ExecutionContext? captured = null;
        var thread = new Thread(() => captured = ExecutionContext.Capture()) { IsBackground = true, Name = "Aio: default ExecutionContext" };
        thread.UnsafeStart();
        thread.Join();
        return captured;
    }

    // Switching contexts costs more than most callbacks: it is skipped when the loop thread already
    // runs in the captured one (the usual case), and the thread's context is restored afterwards only
    // if the work changed it (set an AsyncLocal), as ExecutionContext.Run would.
    public static void Run(ExecutionContext? context, ContextCallback work, object state)
    {
        var current = ExecutionContext.Capture();
        if (context is not null && !ReferenceEquals(context, current))
        {
            ExecutionContext.Run(context, work, state);
            return;
        }
        work(state);
        if (current is not null && !ReferenceEquals(ExecutionContext.Capture(), current)) ExecutionContext.Restore(current);
    }
}
