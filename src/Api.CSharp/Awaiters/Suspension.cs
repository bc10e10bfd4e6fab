using System.Runtime.CompilerServices;
using Aio.Core;

namespace Aio.Awaiters;

// Where a coroutine's await meets the running task: the awaiters call in here, and the task records
// what it was suspended on. The decisions about that suspension are the core's (TaskState).
internal static class Suspension
{
    // A cancellation (or fault) the core decided to raise at the await the task resumes from.
    public static void ThrowPending()
    {
        // Every resumed await asks; almost none has anything to raise. A process-wide count of armed
        // throws lets them skip the thread-static lookup of the current task (any loop arming one
        // sends every awaiter down the exact path until it is taken).
        if (Volatile.Read(ref s_armed) == 0) return;
        var error = Loop.CurrentTaskOnThisThread?.TakePendingThrow();
        if (error is not null) throw error;
    }

    private static int s_armed;

    public static void PendingThrowArmed() => Interlocked.Increment(ref s_armed);

    public static void PendingThrowTaken() => Interlocked.Decrement(ref s_armed);

    // A coroutine awaiting a future: the task parks on it and resumes the coroutine itself.
    public static void SuspendOn(Future future, IResumable coroutine)
    {
        var task = Loop.CurrentTaskOnThisThread;
        // No task drives the coroutine (it cannot normally get here): resume through a done
        // callback, on the loop thread.
        if (task is null) ResumeWhenDone(future, coroutine.Resume);
        else task.Suspend(future, coroutine, WaiterKind.OrdinaryWaiter);
    }

    // Any other async method awaiting a future (an `async Task` method, say).
    public static void SuspendOn(Future future, Action continuation)
    {
        var task = Loop.CurrentTaskOnThisThread;
        // Awaited outside a loop task (e.g. in a plain callback's async method): resume through a
        // done callback, on the loop thread.
        if (task is null) ResumeWhenDone(future, continuation);
        else task.Suspend(future, new ActionResumable(continuation), WaiterKind.OrdinaryWaiter);
    }

    // Apart from its callers: a lambda capturing a parameter makes C# allocate its closure at the
    // entry of the method that declares it, on every call, even when this branch is not taken.
    private static void ResumeWhenDone(Future future, Action continuation) =>
        future.AddDoneCallbackNoContext(_ => continuation());

    public static void Yield(IResumable coroutine)
    {
        var task = Loop.CurrentTaskOnThisThread;
        if (task is null)
        {
            Asyncio.GetRunningLoop().CallSoon(coroutine.Resume);
            return;
        }
        task.SuspendYield(coroutine);
    }

    public static void Yield(Action continuation)
    {
        var task = Loop.CurrentTaskOnThisThread;
        if (task is null)
        {
            Asyncio.GetRunningLoop().CallSoon(continuation);
            return;
        }
        task.SuspendYield(new ActionResumable(continuation));
    }

    // The builder's single entry for every await that suspends. Loop awaiters take the coroutine
    // directly. Anything else (Task, ValueTask, a custom awaiter) completes off the loop: its
    // continuation completes a bridge future through the thread-safe inbox, and the task waits on
    // that bridge. A bridge cannot be interrupted: the foreign operation keeps running whatever
    // the loop does, so a cancel request is delivered at the coroutine's next loop await.
    public static void Await<TAwaiter>(ref TAwaiter awaiter, IResumable coroutine)
        where TAwaiter : INotifyCompletion
    {
        if (awaiter is ILoopAwaiter)
        {
            // For a struct awaiter the JIT knows the exact type here: no box, a direct call.
            ((ILoopAwaiter)awaiter).Suspend(coroutine);
            return;
        }
        var task = Loop.CurrentTaskOnThisThread;
        if (task is null) awaiter.OnCompleted(coroutine.Resume);
        else AwaitForeign(ref awaiter, coroutine, task);
    }

    // Apart from Await, because the lambdas' closure would otherwise be allocated at the entry of
    // Await, on every loop await too.
    private static void AwaitForeign<TAwaiter>(ref TAwaiter awaiter, IResumable coroutine, ITaskStepper task)
        where TAwaiter : INotifyCompletion
    {
        var loop = task.Loop;
        var bridge = loop.CreateFuture<VoidResult>();
        awaiter.OnCompleted(() => loop.PostFromOutside(() =>
        {
            if (!bridge.Done) bridge.SetResult(default);
        }));
        task.Suspend(bridge, coroutine, WaiterKind.UninterruptibleWaiter);
    }
}
