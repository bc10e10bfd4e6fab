namespace Aio;

// What a task resumes after a suspension: a coroutine's next step. Coroutines implement it
// themselves, so suspending hands the task the coroutine object and allocates no continuation
// delegate. A continuation delegate from outside the coroutine builder (an `async Task` method
// awaiting a future inside a loop task) is adapted by ActionResumable.
internal interface IResumable
{
    void Resume();
}

internal sealed class ActionResumable(Action continuation) : IResumable
{
    public void Resume() => continuation();
}
