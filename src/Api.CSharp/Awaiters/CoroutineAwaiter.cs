using System.Runtime.CompilerServices;

namespace Aio.Awaiters;

/// <summary>
/// Awaits a coroutine inside another coroutine. The awaited coroutine runs inline in the current
/// task: no new task, no extra loop iteration, and no suspension at all if it never suspends.
/// </summary>
/// <typeparam name="T">The result type.</typeparam>
public readonly struct CoroutineAwaiter<T> : ICriticalNotifyCompletion, ILoopAwaiter
{
    private readonly Coroutine<T> _coroutine;

    internal CoroutineAwaiter(Coroutine<T> coroutine) => _coroutine = coroutine;

    /// <summary>
    /// Starts the coroutine inline and tells whether it already finished.
    /// </summary>
    public bool IsCompleted
    {
        get
        {
            // The compiler asks once per await, so starting here runs the coroutine exactly once;
            // Start() refuses a coroutine that already ran, as asyncio refuses to reuse one. Outside a
            // task (a coroutine driven by hand from a callback) the awaiting coroutine drives this one,
            // as in asyncio; only without a running loop is there nothing that could resume it.
            if (Loop.RunningOnThisThread is null)
                throw new InvalidOperationException($"Coroutine {_coroutine.Name}() can only be awaited while a loop runs on this thread. Run it with Asyncio.Run(...) or loop.RunUntilComplete(...).");
            _coroutine.Start();
            return _coroutine.IsCompleted;
        }
    }

    /// <summary>The coroutine's result, or its exception rethrown.</summary>
    public T GetResult() => _coroutine.GetResult();

    /// <inheritdoc />
    public void OnCompleted(Action continuation) => UnsafeOnCompleted(continuation);

    /// <inheritdoc />
    public void UnsafeOnCompleted(Action continuation)
    {
        // Plain async code (an `async Task` method) awaits the coroutine: the suspension the coroutine
        // made on the running task's step, as a coroutine would, becomes the helper's to drive.
        Loop.CurrentTaskOnThisThread?.ReleaseSuspension();
        _coroutine.OnCompleted(new ActionResumable(continuation));
    }

    // The awaiting coroutine resumes, in the same task step, when this one finishes.
    void ILoopAwaiter.Suspend(IResumable coroutine) => _coroutine.OnCompleted(coroutine);
}
