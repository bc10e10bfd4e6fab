namespace Aio;

// What the ready queue holds: a handle, or a task whose next step is due (a task is its own entry, so
// scheduling a step allocates nothing). The loop runs an entry unless its life says it was cancelled.
internal interface ILoopEntry
{
    bool ShouldRun { get; }

    void Run();
}
