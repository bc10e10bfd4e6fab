namespace Aio;

// SEMANTICS §1.6: the loop hands every exception of a callback to its exception handler and keeps
// running, except the ones that mean the process (or this thread) must stop, asyncio's
// KeyboardInterrupt and SystemExit. In .NET those are running out of memory, a memory access
// violation and a Thread.Interrupt of the loop's thread: they leave RunForever as they were thrown.
internal static class FatalExceptions
{
    // InsufficientMemoryException derives from OutOfMemoryException but reports a reservation refused
    // in advance (a MemoryFailPoint), not memory exhausted: it is an ordinary error.
    public static bool Is(Exception e) =>
        e is OutOfMemoryException and not InsufficientMemoryException
        or AccessViolationException
        or ThreadInterruptedException;
}
