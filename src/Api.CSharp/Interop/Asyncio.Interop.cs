namespace Aio;

public static partial class Asyncio
{
    /// <summary>
    /// A loop future that completes like <paramref name="task"/> (asyncio's <c>wrap_future</c>): its
    /// result, exception or cancellation arrives on the loop's thread through the thread-safe inbox.
    /// Awaiting the future inside a coroutine is interruptible: cancelling the awaiting task raises
    /// <see cref="CancelledException"/> at that await in the next iteration, and the TPL task is
    /// abandoned (pass it the task's <see cref="LoopTask{T}.CancellationToken"/> to stop it too).
    /// </summary>
    /// <param name="task">A TPL task, running anywhere.</param>
    /// <param name="loop">The loop of the future; the running (or current) one by default.</param>
    /// <example>
    /// <code>
    /// var token = Asyncio.CurrentTask()!.CancellationToken;
    /// string body = await Asyncio.WrapTask(http.GetStringAsync(url, token));
    /// </code>
    /// </example>
    public static Future<T> WrapTask<T>(Task<T> task, Loop? loop = null)
    {
        ArgumentNullException.ThrowIfNull(task);
        var target = loop ?? GetEventLoop();
        var future = target.CreateFuture<T>();
        task.ContinueWith(static (t, state) =>
        {
            var f = (Future<T>)state!;
            f.Loop.PostFromOutside(() =>
            {
                if (f.Done) return;
                if (t.IsCanceled) f.Cancel();
                else if (t.Exception is { } failure) f.SetException(failure.InnerExceptions.Count == 1 ? failure.InnerException! : failure);
                else f.SetResult(t.Result);
            });
        }, future, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        return future;
    }

    /// <summary>A loop future for a TPL task without a result; see <see cref="WrapTask{T}(Task{T}, Loop?)"/>.</summary>
    public static Future<VoidResult> WrapTask(Task task, Loop? loop = null)
    {
        ArgumentNullException.ThrowIfNull(task);
        return WrapTask(task.ContinueWith(static t =>
        {
            t.GetAwaiter().GetResult();
            return VoidResult.Value;
        }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default), loop);
    }

    /// <summary>
    /// Submits <paramref name="coroutine"/> to <paramref name="loop"/> from any thread (asyncio's
    /// <c>run_coroutine_threadsafe</c>): the loop wraps it in a task in one of its next iterations; the
    /// returned TPL task completes with its outcome. <paramref name="cancellationToken"/> cancels the
    /// loop task from the caller's side, as cancelling the future asyncio returns does; the TPL task then
    /// ends cancelled once the coroutine has cleaned up.
    /// </summary>
    /// <exception cref="InvalidOperationException">The loop is closed.</exception>
    /// <example><code>int n = await Asyncio.RunCoroutineThreadsafe(CountItems(), loop, stop.Token);   // from a worker thread</code></example>
    public static Task<T> RunCoroutineThreadsafe<T>(Coroutine<T> coroutine, Loop loop, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(coroutine);
        ArgumentNullException.ThrowIfNull(loop);
        var completion = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        loop.CallSoonThreadsafe(() =>
        {
            try
            {
                loop.CreateTask(coroutine, cancellationToken: cancellationToken).BridgeTo(completion);
            }
            catch (Exception e)
            {
                completion.TrySetException(e);
            }
        });
        return completion.Task;
    }

    /// <summary>Submits a coroutine that returns nothing; see <see cref="RunCoroutineThreadsafe{T}(Coroutine{T}, Loop, CancellationToken)"/>.</summary>
    public static Task RunCoroutineThreadsafe(Coroutine coroutine, Loop loop, CancellationToken cancellationToken = default) =>
        RunCoroutineThreadsafe<VoidResult>(coroutine, loop, cancellationToken);

    /// <summary>
    /// Runs <paramref name="function"/> on a thread-pool thread and returns a loop future for its result
    /// (asyncio's <c>to_thread</c>), so a blocking call does not block the loop.
    /// </summary>
    /// <example><code>byte[] data = await Asyncio.ToThread(() => File.ReadAllBytes(path));</code></example>
    public static Future<T> ToThread<T>(Func<T> function)
    {
        ArgumentNullException.ThrowIfNull(function);
        return GetRunningLoop().RunInExecutor(function);
    }

    /// <summary>Runs <paramref name="action"/> on a thread-pool thread; see <see cref="ToThread{T}(Func{T})"/>.</summary>
    public static Future<VoidResult> ToThread(Action action)
    {
        ArgumentNullException.ThrowIfNull(action);
        return GetRunningLoop().RunInExecutor(() =>
        {
            action();
            return default(VoidResult);
        });
    }
}
