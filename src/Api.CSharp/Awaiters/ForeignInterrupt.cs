using System.Reflection;
using System.Runtime.CompilerServices;

namespace Aio.Awaiters;

// Makes `await someTask` inside a coroutine interruptible, as asyncio's await of a concurrent future is.
// When the loop task is cancelled while it waits on a TPL awaiter, the coroutine must resume with
// CancelledException at that await, but the compiler's state machine will call the TPL awaiter's
// GetResult, which would block until the TPL task ends. So the awaiter the state machine keeps (in its
// <>u__N field; the resume reads it from there) is replaced, just before the resume, by one of the same
// type over a task already failed with the cancellation: GetResult then raises it at once, and the TPL
// task is abandoned. Only awaiter types
// whose replacement can be built are interruptible (Task, Task<T>, ValueTask, ValueTask<T> and their
// ConfigureAwait forms); any other foreign awaiter keeps waiting for its operation.
internal static class ForeignInterrupt<TAwaiter>
{
    public static readonly Func<Exception, TAwaiter>? Replacement = Build();

    private static Func<Exception, TAwaiter>? Build()
    {
        var type = typeof(TAwaiter);
        if (type == typeof(TaskAwaiter)) return Cast(static e => Task.FromException(e).GetAwaiter());
        if (type == typeof(ConfiguredTaskAwaitable.ConfiguredTaskAwaiter)) return Cast(static e => Task.FromException(e).ConfigureAwait(false).GetAwaiter());
        if (type == typeof(ValueTaskAwaiter)) return Cast(static e => new ValueTask(Task.FromException(e)).GetAwaiter());
        if (type == typeof(ConfiguredValueTaskAwaitable.ConfiguredValueTaskAwaiter)) return Cast(static e => new ValueTask(Task.FromException(e)).ConfigureAwait(false).GetAwaiter());
        if (!type.IsGenericType) return null;
        var definition = type.GetGenericTypeDefinition();
        var name = definition == typeof(TaskAwaiter<>) ? nameof(Makers.TaskOf)
            : definition == typeof(ConfiguredTaskAwaitable<>.ConfiguredTaskAwaiter) ? nameof(Makers.ConfiguredTaskOf)
            : definition == typeof(ValueTaskAwaiter<>) ? nameof(Makers.ValueTaskOf)
            : definition == typeof(ConfiguredValueTaskAwaitable<>.ConfiguredValueTaskAwaiter) ? nameof(Makers.ConfiguredValueTaskOf)
            : null;
        if (name is null) return null;
        var maker = typeof(Makers).GetMethod(name, BindingFlags.Static | BindingFlags.Public)!.MakeGenericMethod(type.GetGenericArguments());
        return (Func<Exception, TAwaiter>)maker.CreateDelegate(typeof(Func<Exception, TAwaiter>));
    }

    private static Func<Exception, TAwaiter> Cast<TKnown>(Func<Exception, TKnown> make) => e => (TAwaiter)(object)make(e)!;
}

// The generic makers, one per awaiter family (called through a delegate made once per result type).
internal static class Makers
{
    public static TaskAwaiter<T> TaskOf<T>(Exception e) => Task.FromException<T>(e).GetAwaiter();

    public static ConfiguredTaskAwaitable<T>.ConfiguredTaskAwaiter ConfiguredTaskOf<T>(Exception e) => Task.FromException<T>(e).ConfigureAwait(false).GetAwaiter();

    public static ValueTaskAwaiter<T> ValueTaskOf<T>(Exception e) => new ValueTask<T>(Task.FromException<T>(e)).GetAwaiter();

    public static ConfiguredValueTaskAwaitable<T>.ConfiguredValueTaskAwaiter ConfiguredValueTaskOf<T>(Exception e) => new ValueTask<T>(Task.FromException<T>(e)).ConfigureAwait(false).GetAwaiter();
}

// A coroutine's state machine, seen by ForeignInterrupt: whether it keeps an awaiter of this type in a
// field of its own, and replacing the awaiter there.
internal interface IMachineSlots
{
    bool Holds<TAwaiter>();

    void Overwrite<TAwaiter>(TAwaiter value);
}

// A pending interruption: the bridge the task waits on, and how to make its await raise.
internal sealed class PendingInterrupt(Future bridge, IMachineSlots machine, Action<IMachineSlots, Exception> raise)
{
    public Future Bridge { get; } = bridge;

    public void Raise(Exception error) => raise(machine, error);
}
