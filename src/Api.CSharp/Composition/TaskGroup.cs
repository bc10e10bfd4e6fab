using System.Runtime.ExceptionServices;
using Aio.Core;
using Microsoft.FSharp.Collections;

namespace Aio;

/// <summary>
/// Structured concurrency (asyncio's <c>TaskGroup</c>): tasks created in the group belong to the block
/// that runs it, and the block does not end before every one of them is done. The first child to fail
/// cancels the others and the body (at its current await); the block then raises an
/// <see cref="ExceptionGroup"/> of every failure, in completion order. A cancelled child is not a
/// failure. <see cref="Cancel"/> stops the whole group without raising.
/// </summary>
/// <remarks>
/// The block is a lambda given to <see cref="Run(Func{TaskGroup, Coroutine})"/> rather than an
/// <c>await using</c> scope: the group must see the exception its body raised (it joins the
/// ExceptionGroup, and aborts the group), which a disposer cannot. The body runs inline in the
/// calling task.
/// </remarks>
/// <example>
/// <code>
/// await TaskGroup.Run(async tg =>
/// {
///     var a = tg.CreateTask(Fetch("a"));
///     var b = tg.CreateTask(Fetch("b"));
/// });   // both are done here; a failure in either cancels the other
/// </code>
/// </example>
public sealed class TaskGroup
{
    private TaskGroupState<Exception> _state = TaskGroupStateModule.create<Exception>();
    private readonly Dictionary<long, ILoopTask> _children = [];
    private Loop? _loop;
    private ILoopTask? _parent;
    private Future<VoidResult>? _completion;

    /// <summary>Creates a group; run its block with <see cref="Run(Func{Coroutine})"/>.</summary>
    public TaskGroup() { }

    /// <summary>
    /// Creates a group, runs <paramref name="body"/> inline in the current task with it (asyncio's
    /// <c>async with TaskGroup() as tg:</c>), then waits for every child.
    /// </summary>
    /// <param name="body">The block; it receives the group.</param>
    /// <exception cref="ExceptionGroup">Children (or the body) failed.</exception>
    /// <exception cref="InvalidOperationException">No task is running.</exception>
    public static Coroutine Run(Func<TaskGroup, Coroutine> body)
    {
        ArgumentNullException.ThrowIfNull(body);
        var group = new TaskGroup();
        return group.Run(() => body(group));
    }

    /// <summary>Runs a block that returns a value; see <see cref="Run(Func{TaskGroup, Coroutine})"/>.</summary>
    public static Coroutine<T> Run<T>(Func<TaskGroup, Coroutine<T>> body)
    {
        ArgumentNullException.ThrowIfNull(body);
        var group = new TaskGroup();
        return group.Run(() => body(group));
    }

    /// <summary>Runs <paramref name="body"/> as this group's block (asyncio's <c>async with tg:</c>); a group runs once.</summary>
    /// <exception cref="ExceptionGroup">Children (or the body) failed.</exception>
    /// <exception cref="InvalidOperationException">The group was entered before, or no task is running.</exception>
    public Coroutine Run(Func<Coroutine> body) => RunVoid(body);

    /// <summary>Runs a block that returns a value as this group's block.</summary>
    public async Coroutine<T> Run<T>(Func<Coroutine<T>> body)
    {
        ArgumentNullException.ThrowIfNull(body);
        Enter();
        T result = default!;
        GroupBodyEnd<Exception> end;
        try
        {
            result = await body();
            end = GroupBodyEnd<Exception>.BodyReturned;
        }
        catch (CancelledException cancelled)
        {
            end = GroupBodyEnd<Exception>.NewBodyCancelled(cancelled);
        }
        catch (Exception error)
        {
            end = GroupBodyEnd<Exception>.NewBodyRaised(error);
        }
        await Exit(end);
        return result;
    }

    private async Coroutine RunVoid(Func<Coroutine> body)
    {
        ArgumentNullException.ThrowIfNull(body);
        await Run<VoidResult>(body);
    }

    /// <summary>
    /// Creates a child task (its first step runs in a later iteration, as with
    /// <see cref="Loop.CreateTask{T}(Coroutine{T}, string?, bool?, CancellationToken, ExecutionContext?)"/>). Allowed while the block runs and
    /// while the group waits for its children at the end, also from a child.
    /// </summary>
    /// <param name="coroutine">The child's coroutine.</param>
    /// <param name="name">The task's name.</param>
    /// <param name="eagerStart">Run the first step inside this call; null follows the loop's task factory.</param>
    /// <param name="context">The ExecutionContext the child runs in; null: the caller's (asyncio's <c>context=</c>).</param>
    /// <exception cref="InvalidOperationException">The group has not been entered, is finished, or is shutting down after a failure.</exception>
    public LoopTask<T> CreateTask<T>(Coroutine<T> coroutine, string? name = null, bool? eagerStart = null, ExecutionContext? context = null)
    {
        ArgumentNullException.ThrowIfNull(coroutine);
        var refused = TaskGroupStateModule.admit(_state);
        if (refused.IsSome) throw Misuse(refused.Value);
        var task = _loop!.CreateTask(coroutine, name, eagerStart, context: context);
        var (state, id, commands) = TaskGroupStateModule.childAdded(task.Done, _state);
        _state = state;
        _children[id] = task;
        task.AddDoneCallbackNoContext([AsyncioName("TaskGroup._on_task_done")] (done) => OnChildDone(id, done));
        Do(commands);
        return task;
    }

    /// <summary>Creates a child task whose coroutine returns nothing; see <see cref="CreateTask{T}(Coroutine{T}, string?, bool?, ExecutionContext?)"/>.</summary>
    public LoopTask CreateTask(Coroutine coroutine, string? name = null, bool? eagerStart = null, ExecutionContext? context = null) =>
        (LoopTask)CreateTask<VoidResult>(coroutine, name, eagerStart, context);

    /// <summary>
    /// Cancels every unfinished child and the body (at its current await); the block then ends
    /// without raising a <see cref="CancelledException"/> (asyncio 3.15's <c>TaskGroup.cancel()</c>).
    /// Before the block starts, the group is cancelled as soon as it is entered; after it ended,
    /// nothing happens.
    /// </summary>
    public void Cancel()
    {
        var (state, commands) = TaskGroupStateModule.cancel(_state);
        _state = state;
        Do(commands);
    }

    /// <summary>asyncio's repr: <c>&lt;TaskGroup tasks=2 errors=1 cancelling&gt;</c>.</summary>
    public override string ToString()
    {
        var info = "";
        var live = TaskGroupStateModule.liveCount(_state);
        if (live > 0) info += $" tasks={live}";
        var errors = TaskGroupStateModule.errorCount(_state);
        if (errors > 0) info += $" errors={errors}";
        if (_state.Aborting) info += " cancelling";
        else if (_state.Entered) info += " entered";
        return $"<TaskGroup{info}>";
    }

    private void Enter()
    {
        var loop = Loop.RunningOnThisThread;
        var parent = loop?.CurrentTask;
        var result = TaskGroupStateModule.enter(parent is not null, _state);
        if (result.IsError) throw Misuse(result.ErrorValue);
        _loop = loop;
        _parent = parent;
        var (state, commands) = result.ResultValue;
        _state = state;
        Do(commands);
    }

    private async Coroutine Exit(GroupBodyEnd<Exception> end)
    {
        var (state, commands, step) = TaskGroupStateModule.beginExit(end, _state);
        _state = state;
        Do(commands);
        while (step.IsWaitForChildren)
        {
            _completion = _loop!.CreateFuture<VoidResult>();
            try
            {
                await _completion;
                (_state, step) = TaskGroupStateModule.waitEnded(_state);
            }
            catch (CancelledException cancelled)
            {
                (_state, commands, step) = TaskGroupStateModule.waitCancelled(cancelled, _state);
                Do(commands);
            }
            _completion = null;
        }
        var (finished, finishing, outcome) = TaskGroupStateModule.finishExit(_parent!.Cancelling(), _state);
        _state = finished;
        Do(finishing);
        _children.Clear();
        switch (outcome)
        {
            case GroupExitOutcome<Exception>.ExitCancelled c:
                ExceptionDispatchInfo.Throw(c.cancelled);
                break;
            case GroupExitOutcome<Exception>.ExitWithErrors e:
                throw new ExceptionGroup("unhandled errors in a TaskGroup", e.errors);
        }
    }

    private void OnChildDone(long id, Future child)
    {
        var ending = child.ChildOutcome switch
        {
            var o when o.IsChildCancelled => GroupChildEnd<Exception>.ChildWasCancelled,
            var o when o.IsChildFailed => GroupChildEnd<Exception>.NewChildRaised(child.Exception()!),
            _ => GroupChildEnd<Exception>.ChildReturned,
        };
        var (state, commands) = TaskGroupStateModule.childDone(id, ending, _parent!.Done, _state);
        _state = state;
        _children.Remove(id, out var task);
        Do(commands, task);
    }

    private void Do(FSharpList<GroupCommand<Exception>> commands, ILoopTask? reporting = null)
    {
        foreach (var command in commands)
        {
            switch (command)
            {
                case GroupCommand<Exception>.CancelChildren cancel:
                    foreach (var id in cancel.children)
                        if (_children.TryGetValue(id, out var child) && !child.Done) child.Cancel();
                    break;
                case var c when c.IsCancelParent:
                    _parent!.Cancel();
                    break;
                case var c when c.IsUncancelParent:
                    _parent!.Uncancel();
                    break;
                case var c when c.IsWakeExit:
                    if (_completion is { Done: false } completion) completion.SetResult(default);
                    break;
                case GroupCommand<Exception>.ReportOrphanError orphan:
                    _loop!.CallExceptionHandler(new ExceptionContext($"Task {reporting} has errored out but its parent task {_parent} is already completed")
                    {
                        ["exception"] = orphan.error,
                        ["task"] = reporting,
                    });
                    break;
            }
        }
    }

    private InvalidOperationException Misuse(GroupMisuse misuse) => new(misuse switch
    {
        var m when m.IsGroupNotEntered => $"TaskGroup {this} has not been entered",
        var m when m.IsGroupFinished => $"TaskGroup {this} is finished",
        var m when m.IsGroupShuttingDown => $"TaskGroup {this} is shutting down",
        var m when m.IsGroupAlreadyEntered => $"TaskGroup {this} has already been entered",
        _ => $"TaskGroup {this} cannot determine the parent task",
    });
}
