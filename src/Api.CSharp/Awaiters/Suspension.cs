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

    // Any other async method awaiting a future (an `async Task` method, say). It never takes over the
    // running task's suspension: that belongs to the coroutine the task drives, which may await this
    // very method's Task next (the task would then forget the first wait and hang). The continuation
    // runs as a done callback on the loop instead. (Where that cannot work, CheckAwaitable refused the
    // await already: an exception thrown here would be thrown on the thread pool.)
    public static void SuspendOn(Future future, Action continuation) => ResumeWhenDone(future, continuation);

    // Called by the awaiters' IsCompleted for a future that is not done, so that misuse surfaces
    // inside the awaiting method, as its exception. Off the loop's thread there is nothing to resume
    // the continuation on while the loop runs: the caller is told to bridge with AsTask().
    public static void CheckAwaitable(Future future)
    {
        // Another loop's future is awaited like any other, and the error surfaces at that await one
        // iteration later, as in asyncio: a task's step ends "on another loop's waiter" and the core
        // throws the error in at the next step; any other awaiting code resumes on this loop in the next
        // iteration, where GetResult raises (OtherLoopAtAwait). Nothing registers on the other loop.
        if (Loop.RunningOnThisThread is not null) return;
        if (future.Loop.IsRunning)
            throw new InvalidOperationException($"{future} is awaited off its loop's thread while that loop runs: await future.AsTask() there, or hand the work to the loop with CallSoonThreadsafe or Asyncio.RunCoroutineThreadsafe.");
    }

    // Another loop's future never gets a callback from here: the continuation resumes on this loop in
    // its next iteration, and the awaiter's GetResult raises there.
    public static void ResumeWhenDone(Future future, Action continuation)
    {
        var running = Loop.RunningOnThisThread;
        if (running is not null && !ReferenceEquals(running, future.Loop)) running.CallSoon(continuation);
        else ResumeOnCallback(future, continuation);
    }

    // Apart from its callers: a lambda capturing a parameter makes C# allocate its closure at the
    // entry of the method that declares it, on every call, even when this branch is not taken.
    private static void ResumeOnCallback(Future future, Action continuation) =>
        future.AddDoneCallbackNoContext(_ => continuation());

    // What an await that resumed before its future was done raises when the future is another loop's
    // (the only way that happens); null otherwise, and the reader raises what Result() does.
    public static Exception? OtherLoopAtAwait(Future future) =>
        Loop.RunningOnThisThread is { } running && !ReferenceEquals(running, future.Loop)
            ? new InvalidOperationException($"{future} belongs to another loop than the one running on this thread: await it on its own loop, or through AsTask().")
            : null;

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

    // A yield in plain async code on the loop: the continuation runs in the next iteration, as a callback.
    public static void Yield(Action continuation) =>
        (Loop.RunningOnThisThread ?? throw new InvalidOperationException("Asyncio.Sleep is awaited where no loop runs: await it inside a coroutine, or in code a running loop called.")).CallSoon(continuation);

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
        // Registered without the loop's SynchronizationContext: the foreign awaiter would otherwise post
        // its continuation to the loop, and the continuation would post the bridge's completion again.
        var context = SynchronizationContext.Current;
        SynchronizationContext.SetSynchronizationContext(null);
        try
        {
            awaiter.OnCompleted(() => loop.PostFromOutside(() =>
            {
                if (!bridge.Done) bridge.SetResult(default);
            }));
        }
        finally
        {
            SynchronizationContext.SetSynchronizationContext(context);
        }
        // Interruptible when the awaiter the coroutine's state machine holds can be swapped for one that
        // raises (ForeignInterrupt); otherwise the cancel waits for the foreign operation to end.
        if (ForeignInterrupt<TAwaiter>.Replacement is not null && coroutine is IMachineSlots machine && machine.Holds<TAwaiter>())
        {
            task.Suspend(bridge, coroutine, WaiterKind.OrdinaryWaiter);
            task.ArmInterrupt(new PendingInterrupt(bridge, machine, static (m, error) => m.Overwrite(ForeignInterrupt<TAwaiter>.Replacement!(error))));
            return;
        }
        task.Suspend(bridge, coroutine, WaiterKind.UninterruptibleWaiter);
    }
}
