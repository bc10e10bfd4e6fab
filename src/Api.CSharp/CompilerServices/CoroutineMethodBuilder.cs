using System.ComponentModel;
using System.Runtime.CompilerServices;
using Aio.Awaiters;

namespace Aio.CompilerServices;

/// <summary>
/// The compiler's builder for <c>async Coroutine&lt;T&gt;</c> methods. Unlike Task's builder,
/// <see cref="Start{TStateMachine}"/> does not run the body: it only keeps the state machine, so the
/// coroutine stays lazy until a loop task (or an awaiting coroutine) starts it.
/// </summary>
/// <typeparam name="T">The result type.</typeparam>
[EditorBrowsable(EditorBrowsableState.Never)]
public struct CoroutineMethodBuilder<T>
{
    private Coroutine<T> _coroutine;

    /// <summary>Creates the builder and its coroutine. The coroutine must exist before the state
    /// machine is boxed, so the caller's copy and the boxed copy share it.</summary>
    public static CoroutineMethodBuilder<T> Create() => new() { _coroutine = new Coroutine<T>() };

    /// <summary>The coroutine the async method returns.</summary>
    public Coroutine<T> Task => _coroutine;

    /// <summary>Boxes the state machine without running it.</summary>
    public void Start<TStateMachine>(ref TStateMachine stateMachine)
        where TStateMachine : IAsyncStateMachine =>
        _coroutine.Bind(stateMachine);

    /// <summary>Not used: the machine is boxed once in <see cref="Start{TStateMachine}"/>.</summary>
    public void SetStateMachine(IAsyncStateMachine stateMachine) { }

    /// <summary>The body returned.</summary>
    public void SetResult(T result) => _coroutine.SetResult(result);

    /// <summary>The body threw.</summary>
    public void SetException(Exception exception) => _coroutine.SetException(exception);

    /// <summary>Suspends on an awaiter (see <see cref="Suspension.Await{TAwaiter}"/>).</summary>
    public void AwaitOnCompleted<TAwaiter, TStateMachine>(ref TAwaiter awaiter, ref TStateMachine stateMachine)
        where TAwaiter : INotifyCompletion
        where TStateMachine : IAsyncStateMachine =>
        Suspension.Await(ref awaiter, _coroutine.MoveNextAction);

    /// <summary>Suspends on an awaiter (see <see cref="Suspension.Await{TAwaiter}"/>).</summary>
    public void AwaitUnsafeOnCompleted<TAwaiter, TStateMachine>(ref TAwaiter awaiter, ref TStateMachine stateMachine)
        where TAwaiter : ICriticalNotifyCompletion
        where TStateMachine : IAsyncStateMachine =>
        Suspension.Await(ref awaiter, _coroutine.MoveNextAction);
}

/// <summary>The compiler's builder for <c>async Coroutine</c> methods (no result).</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public struct CoroutineMethodBuilder
{
    private Coroutine _coroutine;

    /// <summary>Creates the builder and its coroutine.</summary>
    public static CoroutineMethodBuilder Create() => new() { _coroutine = new Coroutine() };

    /// <summary>The coroutine the async method returns.</summary>
    public Coroutine Task => _coroutine;

    /// <summary>Boxes the state machine without running it.</summary>
    public void Start<TStateMachine>(ref TStateMachine stateMachine)
        where TStateMachine : IAsyncStateMachine =>
        _coroutine.Bind(stateMachine);

    /// <summary>Not used: the machine is boxed once in <see cref="Start{TStateMachine}"/>.</summary>
    public void SetStateMachine(IAsyncStateMachine stateMachine) { }

    /// <summary>The body returned.</summary>
    public void SetResult() => _coroutine.SetResult(default);

    /// <summary>The body threw.</summary>
    public void SetException(Exception exception) => _coroutine.SetException(exception);

    /// <summary>Suspends on an awaiter.</summary>
    public void AwaitOnCompleted<TAwaiter, TStateMachine>(ref TAwaiter awaiter, ref TStateMachine stateMachine)
        where TAwaiter : INotifyCompletion
        where TStateMachine : IAsyncStateMachine =>
        Suspension.Await(ref awaiter, _coroutine.MoveNextAction);

    /// <summary>Suspends on an awaiter.</summary>
    public void AwaitUnsafeOnCompleted<TAwaiter, TStateMachine>(ref TAwaiter awaiter, ref TStateMachine stateMachine)
        where TAwaiter : ICriticalNotifyCompletion
        where TStateMachine : IAsyncStateMachine =>
        Suspension.Await(ref awaiter, _coroutine.MoveNextAction);
}
