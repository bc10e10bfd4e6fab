namespace Aio;

/// <summary>
/// How a loop starts the tasks it creates when the caller does not say (see
/// <see cref="Loop.SetTaskFactory"/>). <see cref="Eager"/> is asyncio's <c>eager_task_factory</c>: the
/// first step runs inside <c>CreateTask</c>, up to the coroutine's first suspension.
/// </summary>
public sealed class LoopTaskFactory
{
    private LoopTaskFactory(bool eagerStart) => EagerStart = eagerStart;

    /// <summary>Every task starts eagerly (on a running loop).</summary>
    public static LoopTaskFactory Eager { get; } = new(eagerStart: true);

    /// <summary>Whether tasks made through this factory start eagerly.</summary>
    public bool EagerStart { get; }

    /// <inheritdoc />
    public override string ToString() => EagerStart ? "eager_task_factory" : "task_factory";
}
