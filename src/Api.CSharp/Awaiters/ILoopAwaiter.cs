namespace Aio.Awaiters;

// Marks the awaiters that suspend a coroutine on the loop itself. The coroutine builder hands their
// continuation to them directly; any other awaiter (a Task, say) is bridged back to the loop thread.
// Internal: an outside awaiter claiming to be a loop awaiter would skip that bridge.
internal interface ILoopAwaiter : System.Runtime.CompilerServices.ICriticalNotifyCompletion
{
}
