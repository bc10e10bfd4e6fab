namespace Aio.Awaiters;

// A coroutine awaited inside another runs inline, as a nested call, and resuming the awaiting one when
// it finishes nests again. Up to a fixed depth that is the fast path (no suspension, no allocation). Past
// it, the start or resume is left to the outermost frame of the chain on this thread, which runs it once
// the stack has unwound to it: the same coroutines run in the same order within the same task step, but
// a chain of any depth runs in constant stack, where CPython would raise RecursionError and .NET would
// kill the process.
internal static class InlineChain
{
    // Frames per level are small (awaiter, coroutine, state machine), so this stays far below a secondary
    // thread's stack even when the loop itself runs deep in user code.
    internal const int MaxDepth = 128;

    [ThreadStatic] private static int t_depth;
    [ThreadStatic] private static IResumable? t_deferred;

    // An eager task's first step runs inside whatever created it, possibly deep in a chain; it is a
    // chain of its own and must finish its frames before create_task returns.
    public static int EnterStep()
    {
        var outer = t_depth;
        t_depth = 0;
        return outer;
    }

    public static void LeaveStep(int outer) => t_depth = outer;

    public static void Run(IResumable next)
    {
        var depth = t_depth;
        if (depth >= MaxDepth)
        {
            // Only one can wait here: a deferred start makes every frame above it suspend, and a deferred
            // resume ends the coroutine that asked, so each unwinds straight to the outermost frame.
            t_deferred = next;
            return;
        }
        t_depth = depth + 1;
        try
        {
            next.Resume();
            if (depth == 0)
            {
                while (t_deferred is { } deferred)
                {
                    t_deferred = null;
                    t_depth = 1;
                    deferred.Resume();
                }
            }
        }
        finally
        {
            t_depth = depth;
        }
    }
}
