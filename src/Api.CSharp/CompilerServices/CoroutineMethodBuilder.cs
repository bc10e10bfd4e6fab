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

    /// <summary>Creates the builder; <see cref="Start{TStateMachine}"/> creates the coroutine.</summary>
    public static CoroutineMethodBuilder<T> Create() => default;

    /// <summary>The coroutine the async method returns.</summary>
    public Coroutine<T> Task => _coroutine;

    /// <summary>Boxes the state machine into the coroutine, without running it.</summary>
    public void Start<TStateMachine>(ref TStateMachine stateMachine)
        where TStateMachine : IAsyncStateMachine
    {
        var box = new CoroutineBox<T, TStateMachine>();
        // This builder lives inside the state machine: set before the copy, the boxed machine's
        // builder names its own box, and so does the caller's, which returns it.
        _coroutine = box;
        box.Machine = stateMachine;
    }

    /// <summary>Not used: the machine is boxed once, in <see cref="Start{TStateMachine}"/>.</summary>
    public void SetStateMachine(IAsyncStateMachine stateMachine) { }

    /// <summary>The body returned.</summary>
    public void SetResult(T result) => _coroutine.SetResult(result);

    /// <summary>The body threw.</summary>
    public void SetException(Exception exception) => _coroutine.SetException(exception);

    /// <summary>Suspends on an awaiter (see <see cref="Suspension.Await{TAwaiter}"/>).</summary>
    public void AwaitOnCompleted<TAwaiter, TStateMachine>(ref TAwaiter awaiter, ref TStateMachine stateMachine)
        where TAwaiter : INotifyCompletion
        where TStateMachine : IAsyncStateMachine =>
        Suspension.Await(ref awaiter, _coroutine);

    /// <summary>Suspends on an awaiter (see <see cref="Suspension.Await{TAwaiter}"/>).</summary>
    public void AwaitUnsafeOnCompleted<TAwaiter, TStateMachine>(ref TAwaiter awaiter, ref TStateMachine stateMachine)
        where TAwaiter : ICriticalNotifyCompletion
        where TStateMachine : IAsyncStateMachine =>
        Suspension.Await(ref awaiter, _coroutine);
}

/// <summary>The compiler's builder for <c>async Coroutine</c> methods (no result).</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public struct CoroutineMethodBuilder
{
    private Coroutine _coroutine;

    /// <summary>Creates the builder; <see cref="Start{TStateMachine}"/> creates the coroutine.</summary>
    public static CoroutineMethodBuilder Create() => default;

    /// <summary>The coroutine the async method returns.</summary>
    public Coroutine Task => _coroutine;

    /// <summary>Boxes the state machine into the coroutine, without running it.</summary>
    public void Start<TStateMachine>(ref TStateMachine stateMachine)
        where TStateMachine : IAsyncStateMachine
    {
        var box = new CoroutineBox<TStateMachine>();
        // Set before the copy, as in CoroutineMethodBuilder<T>.Start.
        _coroutine = box;
        box.Machine = stateMachine;
    }

    /// <summary>Not used: the machine is boxed once, in <see cref="Start{TStateMachine}"/>.</summary>
    public void SetStateMachine(IAsyncStateMachine stateMachine) { }

    /// <summary>The body returned.</summary>
    public void SetResult() => _coroutine.SetResult(default);

    /// <summary>The body threw.</summary>
    public void SetException(Exception exception) => _coroutine.SetException(exception);

    /// <summary>Suspends on an awaiter.</summary>
    public void AwaitOnCompleted<TAwaiter, TStateMachine>(ref TAwaiter awaiter, ref TStateMachine stateMachine)
        where TAwaiter : INotifyCompletion
        where TStateMachine : IAsyncStateMachine =>
        Suspension.Await(ref awaiter, _coroutine);

    /// <summary>Suspends on an awaiter.</summary>
    public void AwaitUnsafeOnCompleted<TAwaiter, TStateMachine>(ref TAwaiter awaiter, ref TStateMachine stateMachine)
        where TAwaiter : ICriticalNotifyCompletion
        where TStateMachine : IAsyncStateMachine =>
        Suspension.Await(ref awaiter, _coroutine);
}
