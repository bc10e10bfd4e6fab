namespace Aio;

public static partial class Asyncio
{
    /// <summary>
    /// Iterates over <paramref name="futures"/> in the order they finish (asyncio's <c>as_completed</c>);
    /// see <see cref="AsCompletedIterator{T}"/>. A future given twice is one input.
    /// </summary>
    /// <param name="futures">Futures or tasks of one loop.</param>
    /// <param name="timeout">Seconds after which every remaining input raises <see cref="TimeoutException"/>; null for none.</param>
    /// <example>
    /// <code>
    /// foreach (var next in Asyncio.AsCompleted(tasks, timeout: 5)) Console.WriteLine(await next);
    /// </code>
    /// </example>
    public static AsCompletedIterator<T> AsCompleted<T>(IEnumerable<Future<T>> futures, double? timeout = null)
    {
        ArgumentNullException.ThrowIfNull(futures);
        var inputs = futures.Distinct(ReferenceEqualityComparer.Instance).Cast<Future<T>>().ToArray();
        var loop = inputs.Length > 0 ? inputs[0].Loop : GetEventLoop();
        foreach (var f in inputs)
            if (!ReferenceEquals(f.Loop, loop))
                throw new ArgumentException("as_completed() inputs must all belong to one loop: one belongs to another.", nameof(futures));
        return new AsCompletedIterator<T>(loop, inputs, timeout);
    }

    /// <summary>Wraps each coroutine in a task (in order), then iterates them in completion order.</summary>
    public static AsCompletedIterator<T> AsCompleted<T>(IEnumerable<Coroutine<T>> coroutines, double? timeout = null)
    {
        ArgumentNullException.ThrowIfNull(coroutines);
        var loop = GetEventLoop();
        return AsCompleted(coroutines.Distinct(ReferenceEqualityComparer.Instance).Cast<Coroutine<T>>().Select(c => (Future<T>)loop.CreateTask(c)).ToArray(), timeout);
    }
}
