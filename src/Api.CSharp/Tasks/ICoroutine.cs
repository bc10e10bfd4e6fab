namespace Aio;

/// <summary>Any coroutine, whatever its result type: what untyped entry points accept.</summary>
public interface ICoroutine
{
    /// <summary>The async method's name.</summary>
    string Name { get; }

    /// <summary>Wraps this coroutine in a new task on <paramref name="loop"/>.</summary>
    /// <param name="loop">The loop to run it on.</param>
    /// <param name="name">The task's name; <c>Task-N</c> when null.</param>
    Future CreateTaskOn(Loop loop, string? name = null);
}
