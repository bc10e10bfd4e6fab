using System.Runtime.ExceptionServices;

namespace Aio.Programs;

/// <summary>One instruction of a task's script (the property suite's TaskWorld.Instr).</summary>
public enum ScriptOp
{
    /// <summary>Await future <see cref="ScriptStep.Target"/>.</summary>
    AwaitFuture,

    /// <summary>Await task <see cref="ScriptStep.Target"/> (possibly itself).</summary>
    AwaitTask,

    /// <summary><c>await Asyncio.Sleep(0)</c>.</summary>
    Yield,

    /// <summary>Cancel the task itself with <see cref="ScriptStep.Message"/>.</summary>
    CancelSelf,

    /// <summary>Return.</summary>
    Return,

    /// <summary>Raise an ordinary exception.</summary>
    Raise,
}

/// <summary>What a script does with a CancelledException raised at one of its awaits.</summary>
public enum CancelHandling
{
    /// <summary>Lets it end the coroutine.</summary>
    Propagate,

    /// <summary>Catches it and goes on.</summary>
    Swallow,

    /// <summary>Catches it, calls <see cref="LoopTask{T}.Uncancel"/>, and goes on.</summary>
    SwallowAndUncancel,
}

/// <summary>One instruction, with its operands.</summary>
public sealed record ScriptStep(ScriptOp Op, int Target, CancelHandling OnCancel, string? Message);

/// <summary>One operation of a history (TaskWorld.WorldOp).</summary>
public enum HistoryOp
{
    /// <summary>Create a task running <see cref="HistoryStep.Script"/>.</summary>
    CreateTask,

    /// <summary>Set future <see cref="HistoryStep.Target"/>'s result (if it is pending).</summary>
    CompleteFuture,

    /// <summary>Fail future <see cref="HistoryStep.Target"/> (if it is pending).</summary>
    FailFuture,

    /// <summary>Cancel future <see cref="HistoryStep.Target"/>.</summary>
    CancelFuture,

    /// <summary>Cancel task <see cref="HistoryStep.Target"/> modulo the tasks that exist.</summary>
    CancelTask,

    /// <summary>Uncancel task <see cref="HistoryStep.Target"/> modulo the tasks that exist.</summary>
    UncancelTask,

    /// <summary>Run one loop iteration.</summary>
    Iterate,
}

/// <summary>One operation, with its operands.</summary>
public sealed record HistoryStep(HistoryOp Op, int Target, string? Message, IReadOnlyList<ScriptStep>? Script);

/// <summary>
/// Runs a TaskWorld history on the real library: a virtual-clock <see cref="Loop"/>, real futures and
/// <see cref="LoopTask"/>s whose coroutines follow the scripts. It records what a coroutine and its
/// caller can see, in the same words as the property suite's projection of TaskWorld's events, so that
/// the model and the shell are held to one trace: where they differ, one of them is wrong.
/// </summary>
public static class TaskScriptRunner
{
    /// <summary>The trace, then each task's final state (<c>final 0 cancelled msg requests=1</c>).</summary>
    public static (IReadOnlyList<string> Events, IReadOnlyList<string> Finals) Run(IReadOnlyList<HistoryStep> history, int futureCount)
    {
        ArgumentNullException.ThrowIfNull(history);
        var loop = new Loop(LoopClock.Virtual);
        // Unretrieved exceptions of failed tasks are reported; they are not part of the trace.
        loop.SetExceptionHandler((_, _) => { });
        var events = new List<string>();
        var futures = Enumerable.Range(0, futureCount).Select(_ => loop.CreateFuture<VoidResult>()).ToArray();
        var tasks = new List<LoopTask>();
        Future WaiterOf(ScriptStep s) => s.Op == ScriptOp.AwaitFuture ? futures[s.Target] : tasks[s.Target];

        foreach (var step in history)
        {
            events.Add($"op {step.Op}");
            switch (step.Op)
            {
                case HistoryOp.CreateTask:
                    var id = tasks.Count;
                    events.Add($"created {id}");
                    tasks.Add(loop.CreateTask(Script(id, step.Script!, WaiterOf, events), name: $"T{id}"));
                    break;
                case HistoryOp.CompleteFuture:
                    if (!futures[step.Target].Done) futures[step.Target].SetResult(default);
                    break;
                case HistoryOp.FailFuture:
                    if (!futures[step.Target].Done) futures[step.Target].SetException(new InvalidOperationException("failed"));
                    break;
                case HistoryOp.CancelFuture:
                    futures[step.Target].Cancel(step.Message);
                    break;
                case HistoryOp.CancelTask when tasks.Count > 0:
                    var cancelled = tasks[step.Target % tasks.Count];
                    events.Add($"cancel {tasks.IndexOf(cancelled)} {Text(step.Message)} {cancelled.Cancel(step.Message)}");
                    break;
                case HistoryOp.UncancelTask when tasks.Count > 0:
                    var uncancelled = tasks[step.Target % tasks.Count];
                    events.Add($"uncancel {tasks.IndexOf(uncancelled)} {uncancelled.Uncancel()}");
                    break;
                case HistoryOp.Iterate:
                    // stop() before run_forever(): exactly one iteration.
                    loop.Stop();
                    loop.RunForever();
                    break;
            }
        }
        var finals = tasks.Select((t, i) => $"final {i} {Final(t)} requests={t.Cancelling()}").ToList();
        return (events, finals);
    }

    private static string Final(LoopTask task)
    {
        if (!task.Done) return "pending";
        if (task.Cancelled)
        {
            try
            {
                task.Result();
            }
            catch (CancelledException e)
            {
                return $"cancelled {Text(e.CancelMessage)}";
            }
        }
        return task.Exception() is null ? "returned" : "failed";
    }

    private static string Text(string? message) => message ?? "-";

    private static async Coroutine Script(int id, IReadOnlyList<ScriptStep> script, Func<ScriptStep, Future> waiterOf, List<string> events)
    {
        var self = (LoopTask)Asyncio.CurrentTask()!;
        events.Add($"resumed {id}");
        for (var pc = 0; pc < script.Count; pc++)
        {
            var s = script[pc];
            events.Add($"exec {id} {pc}");
            switch (s.Op)
            {
                case ScriptOp.Return:
                    events.Add($"ended {id} returned");
                    return;
                case ScriptOp.Raise:
                    events.Add($"ended {id} raised");
                    throw new InvalidOperationException("raised");
                case ScriptOp.CancelSelf:
                    events.Add($"cancel {id} {Text(s.Message)} {self.Cancel(s.Message)}");
                    continue;
            }
            // An await: it suspends unless its future is already done (sleep(0) always does).
            Exception? raised = null;
            if (s.Op == ScriptOp.Yield)
            {
                events.Add($"yielded {id}");
                try
                {
                    await Asyncio.Sleep(0);
                }
                catch (Exception e)
                {
                    raised = e;
                }
                events.Add($"resumed {id}");
            }
            else
            {
                var waiter = waiterOf(s);
                var suspends = !waiter.Done;
                if (suspends) events.Add($"suspended {id} {(s.Op == ScriptOp.AwaitFuture ? "f" : "t")}{s.Target}");
                try
                {
                    await waiter;
                }
                catch (Exception e)
                {
                    raised = e;
                }
                if (suspends) events.Add($"resumed {id}");
            }
            switch (raised)
            {
                case null:
                    break;
                case CancelledException c:
                    events.Add($"delivered {id} {pc} {Text(c.CancelMessage)}");
                    if (s.OnCancel == CancelHandling.Propagate)
                    {
                        events.Add($"ended {id} cancelled {Text(c.CancelMessage)}");
                        ExceptionDispatchInfo.Throw(c);
                    }
                    if (s.OnCancel == CancelHandling.SwallowAndUncancel) events.Add($"uncancel {id} {self.Uncancel()}");
                    break;
                default:
                    events.Add($"ended {id} raised");
                    ExceptionDispatchInfo.Throw(raised);
                    break;
            }
        }
        events.Add($"ended {id} returned");
    }
}
