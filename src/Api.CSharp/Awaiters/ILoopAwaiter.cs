namespace Aio.Awaiters;

/// <summary>
/// Marks the awaiters that suspend a coroutine on the loop itself. The coroutine builder hands
/// their continuation to them directly; any other awaiter (a <see cref="System.Threading.Tasks.Task"/>,
/// say) is bridged back to the loop thread.
/// </summary>
public interface ILoopAwaiter : System.Runtime.CompilerServices.ICriticalNotifyCompletion
{
}
