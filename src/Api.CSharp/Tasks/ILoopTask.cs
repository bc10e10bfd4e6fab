namespace Aio;

/// <summary>
/// What every task has, whatever its result type: lets code hold tasks of mixed types, as
/// <see cref="Asyncio.AllTasks"/> returns them.
/// </summary>
public interface ILoopTask
{
    /// <summary>The task's name (<c>Task-N</c> unless given).</summary>
    string Name { get; set; }

    /// <summary>The loop the task runs on.</summary>
    Loop Loop { get; }

    /// <summary>True once the task finished, failed or was cancelled.</summary>
    bool Done { get; }

    /// <summary>True if the task ended cancelled.</summary>
    bool Cancelled { get; }

    /// <summary>Requests cancellation; see <see cref="LoopTask{T}.Cancel"/>.</summary>
    bool Cancel(string? message = null);

    /// <summary>The number of pending cancel requests.</summary>
    int Cancelling();

    /// <summary>Withdraws one cancel request; see <see cref="LoopTask{T}.Uncancel"/>.</summary>
    int Uncancel();

    /// <summary>Cancelled when the task is cancelled; see <see cref="LoopTask{T}.CancellationToken"/>.</summary>
    CancellationToken CancellationToken { get; }

    /// <summary>The task as a future (for done callbacks, awaiting and combinators).</summary>
    Future AsFuture { get; }

    /// <summary>The ExecutionContext the task's next step runs in; see <see cref="LoopTask{T}.GetContext"/>.</summary>
    ExecutionContext? GetContext();
}
