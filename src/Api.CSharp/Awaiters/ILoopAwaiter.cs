namespace Aio.Awaiters;

// Marks the awaiters that suspend a coroutine on the loop itself. The coroutine builder hands them
// the coroutine to resume, with no continuation delegate; any other awaiter (a Task, say) is bridged
// back to the loop thread. Internal: an outside awaiter claiming to be a loop awaiter would skip
// that bridge.
internal interface ILoopAwaiter : System.Runtime.CompilerServices.ICriticalNotifyCompletion
{
    void Suspend(IResumable coroutine);
}
