namespace Aio;

// Runs loop work in the execution context captured for it (SEMANTICS §2.3, §3.1).
internal static class InContext
{
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
