using System.Runtime.CompilerServices;
using System.Runtime.ExceptionServices;
using Aio.Awaiters;
using Aio.CompilerServices;

namespace Aio;

/// <summary>
/// A lazily started coroutine returning <typeparamref name="T"/>: the return type of
/// <c>async Coroutine&lt;T&gt;</c> methods. Calling such a method runs nothing; the body starts when a
/// loop runs it as a task (<see cref="Loop.CreateTask{T}(Coroutine{T}, string?, bool?, CancellationToken, ExecutionContext?)"/>) or when another
/// coroutine awaits it, in which case it runs inline in the awaiting task.
/// </summary>
/// <typeparam name="T">The result type.</typeparam>
/// <example>
/// <code>
/// static async Coroutine&lt;string&gt; TaskFunc()
/// {
///     Console.WriteLine("in task_func");
///     await Asyncio.Sleep(0.1);
///     return "the result";
/// }
/// var result = Asyncio.Run(TaskFunc()); // "the result"
/// </code>
/// </example>
[AsyncMethodBuilder(typeof(CoroutineMethodBuilder<>))]
public abstract class Coroutine<T> : ICoroutine, IResumable
{
    private CoroutineStatus _status;
    private T? _result;
    private Exception? _error;
    private IResumable? _continuation;

    // Only the builder's boxes (CoroutineBox) derive from it: the coroutine object is also the box of
    // its async method's state machine.
    private protected Coroutine() { }

    /// <summary>The name of the async method, as asyncio prints it in a task's <c>coro=&lt;…&gt;</c>.</summary>
    public string Name => OwnName ?? MachineName(MachineType);

    // A coroutine that is not an async method's box names itself.
    private protected virtual string? OwnName => null;

    private protected abstract Type MachineType { get; }

    // What Name is computed from, without computing it: kept by TaskRegistry for a report made after the
    // coroutine is gone.
    internal object NameSource => OwnName ?? (object)MachineType;

    // The state machine's next step.
    private protected abstract void MoveNext();

    void IResumable.Resume() => MoveNext();

    /// <summary>True once the body has returned or thrown.</summary>
    public bool IsCompleted => _status == CoroutineStatus.Completed;

    /// <summary>True once something has started the body.</summary>
    public bool IsStarted => _status != CoroutineStatus.Created;

    /// <summary>Awaits the coroutine inside another coroutine: it runs inline, in the same task.</summary>
    public CoroutineAwaiter<T> GetAwaiter() => new(this);

    /// <inheritdoc />
    public Future CreateTaskOn(Loop loop, string? name = null) => loop.CreateTask(this, name);

    /// <summary>asyncio's repr of a coroutine object: <c>&lt;coroutine Name&gt;</c>.</summary>
    public override string ToString() => $"<coroutine {Name}>";

    // Starts the body. A second start is misuse: a coroutine runs once.
    internal void Start()
    {
        if (_status != CoroutineStatus.Created)
            throw new InvalidOperationException($"Coroutine {Name}() was already started: a coroutine can be awaited or run as a task only once. Call the async method again for a new one.");
        _status = CoroutineStatus.Running;
        InlineChain.Run(this);
    }

    internal void SetResult(T value)
    {
        _result = value;
        Finish();
    }

    internal void SetException(Exception error)
    {
        _error = error;
        Finish();
    }

    private void Finish()
    {
        _status = CoroutineStatus.Completed;
        var continuation = _continuation;
        _continuation = null;
        if (continuation is not null) InlineChain.Run(continuation);
    }

    internal void OnCompleted(IResumable continuation) => _continuation = continuation;

    internal Exception? Error => _error;

    internal T GetResult()
    {
        if (_error is not null) ExceptionDispatchInfo.Throw(_error);
        return _result!;
    }

    internal static string MachineName(Type? machineType) =>
        machineType is null ? "coroutine" : Repr.SourceName(machineType.Name);
}

/// <summary>
/// A lazily started coroutine that returns nothing: the return type of <c>async Coroutine</c> methods.
/// </summary>
/// <example>
/// <code>
/// static async Coroutine Ticker()
/// {
///     for (var i = 0; i &lt; 3; i++) { Console.WriteLine(i); await Asyncio.Sleep(0); }
/// }
/// Asyncio.Run(Ticker());
/// </code>
/// </example>
[AsyncMethodBuilder(typeof(CoroutineMethodBuilder))]
public abstract class Coroutine : Coroutine<VoidResult>
{
    private protected Coroutine() { }
}

// The coroutine of an async method and the box of its state machine in one object, as the runtime's
// AsyncStateMachineBox is for a Task: one allocation per call, and a direct MoveNext.
internal sealed class CoroutineBox<T, TStateMachine> : Coroutine<T>, IMachineSlots
    where TStateMachine : IAsyncStateMachine
{
    public TStateMachine Machine = default!;

    private protected override Type MachineType => typeof(TStateMachine);

    private protected override void MoveNext() => Machine.MoveNext();

    bool IMachineSlots.Holds<TAwaiter>() => AwaiterField<TStateMachine, TAwaiter>.Field is not null;

    void IMachineSlots.Overwrite<TAwaiter>(TAwaiter value) => AwaiterField<TStateMachine, TAwaiter>.Overwrite(ref Machine, value);
}

// The field in which a compiled async method's state machine keeps the awaiter of its current await
// (the compiler gives each awaiter type one field, named <>u__N): found once per machine and awaiter
// type, for ForeignInterrupt. None, or more than one, and the await stays uninterruptible.
internal static class AwaiterField<TStateMachine, TAwaiter>
{
    public static readonly System.Reflection.FieldInfo? Field = Find();

    private static System.Reflection.FieldInfo? Find()
    {
        var fields = typeof(TStateMachine)
            .GetFields(System.Reflection.BindingFlags.Instance | System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Public)
            .Where(f => f.FieldType == typeof(TAwaiter))
            .ToArray();
        return fields.Length == 1 ? fields[0] : null;
    }

    // In place: a struct machine inside its box, or the class machine a Debug build makes.
    public static void Overwrite(ref TStateMachine machine, TAwaiter value)
    {
        if (typeof(TStateMachine).IsValueType) Field!.SetValueDirect(__makeref(machine), value!);
        else Field!.SetValue(machine, value);
    }
}

internal sealed class CoroutineBox<TStateMachine> : Coroutine, IMachineSlots
    where TStateMachine : IAsyncStateMachine
{
    public TStateMachine Machine = default!;

    private protected override Type MachineType => typeof(TStateMachine);

    private protected override void MoveNext() => Machine.MoveNext();

    bool IMachineSlots.Holds<TAwaiter>() => AwaiterField<TStateMachine, TAwaiter>.Field is not null;

    void IMachineSlots.Overwrite<TAwaiter>(TAwaiter value) => AwaiterField<TStateMachine, TAwaiter>.Overwrite(ref Machine, value);
}

internal enum CoroutineStatus : byte
{
    Created,
    Running,
    Completed,
}
