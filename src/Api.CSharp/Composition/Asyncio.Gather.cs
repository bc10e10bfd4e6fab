namespace Aio;

public static partial class Asyncio
{
    /// <summary>
    /// Runs futures concurrently and completes with their results in argument order, whatever the
    /// order they finish in (asyncio's <c>gather</c>). The first child to fail or be cancelled completes
    /// the gather with that exception (a <see cref="CancelledException"/> for a cancelled child) and
    /// the other children keep running. Cancelling the returned future cancels every unfinished child.
    /// A future passed twice is gathered once and its result appears in both places.
    /// </summary>
    /// <typeparam name="T">The children's result type.</typeparam>
    /// <param name="children">Futures or tasks, all of one loop.</param>
    /// <exception cref="ArgumentException">The children belong to different loops.</exception>
    /// <example>
    /// <code>
    /// int[] both = await Asyncio.Gather(Asyncio.CreateTask(A()), Asyncio.CreateTask(B()));
    /// </code>
    /// </example>
    public static Future<T[]> Gather<T>(params Future<T>[] children)
    {
        ArgumentNullException.ThrowIfNull(children);
        return GatherOn(children, returnExceptions: false, TypedEntry<T>.Read);
    }

    /// <summary>Gathers futures or tasks of one result type given as a sequence; see <see cref="Gather{T}(Future{T}[])"/>.</summary>
    public static Future<T[]> Gather<T>(IEnumerable<Future<T>> children)
    {
        ArgumentNullException.ThrowIfNull(children);
        return GatherOn(children.ToArray(), returnExceptions: false, TypedEntry<T>.Read);
    }

    /// <summary>
    /// Runs coroutines concurrently, each wrapped in a task in argument order (so their first steps
    /// follow that order), and completes with their results in argument order; see
    /// <see cref="Gather{T}(Future{T}[])"/>. The same coroutine passed twice runs once.
    /// </summary>
    /// <example>
    /// <code>
    /// string[] pages = await Asyncio.Gather(Fetch("a"), Fetch("b"), Fetch("c"));
    /// </code>
    /// </example>
    public static Future<T[]> Gather<T>(params Coroutine<T>[] children)
    {
        ArgumentNullException.ThrowIfNull(children);
        return GatherOn(children, returnExceptions: false, TypedEntry<T>.Read);
    }

    /// <summary>
    /// Gathers awaitables of mixed kinds and result types (futures, tasks, coroutines, or anything
    /// <see cref="EnsureFuture(object, Loop?)"/> accepts); results come back as objects, in argument
    /// order. With no argument the result is an empty array at once.
    /// </summary>
    /// <exception cref="ArgumentTypeException">An argument is not awaitable.</exception>
    public static Future<object?[]> Gather(params object[] awaitables) => Gather(awaitables, returnExceptions: false);

    /// <summary>
    /// Gathers awaitables of mixed kinds; with <paramref name="returnExceptions"/>, a child's exception
    /// (and, for a cancelled child, a <see cref="CancelledException"/>) is its entry in the result
    /// array instead of failing the gather (asyncio's <c>gather(..., return_exceptions=True)</c>).
    /// Cancelling the gather itself still ends it with a <see cref="CancelledException"/>.
    /// </summary>
    /// <param name="awaitables">Futures, tasks, coroutines or other awaitables, in result order.</param>
    /// <param name="returnExceptions">Put failures in the results instead of raising the first one.</param>
    /// <example>
    /// <code>
    /// object?[] outcomes = await Asyncio.Gather([Ok(), Bad(), task], returnExceptions: true);
    /// foreach (var o in outcomes) Console.WriteLine(o is Exception e ? "failed: " + e.Message : o);
    /// </code>
    /// </example>
    public static Future<object?[]> Gather(IEnumerable<object> awaitables, bool returnExceptions = false)
    {
        ArgumentNullException.ThrowIfNull(awaitables);
        var arguments = awaitables as object[] ?? awaitables.ToArray();
        return GatherOn(arguments, returnExceptions, returnExceptions ? s_entryOrException : s_objectEntry);
    }

    private static Future<TResult[]> GatherOn<TResult>(object[] arguments, bool returnExceptions, Func<Future, TResult> entry)
    {
        // asyncio's choice of loop: the first future's, else the current one (coroutines become its tasks).
        Loop? loop = null;
        foreach (var a in arguments)
            if (a is Future f)
            {
                loop = f.Loop;
                break;
            }
        loop ??= GetEventLoop();
        if (arguments.Length == 0)
        {
            var empty = loop.CreateFuture<TResult[]>();
            empty.SetResult([]);
            return empty;
        }
        return GatheringFuture<TResult>.Start(loop, arguments, returnExceptions, entry);
    }

    // A finished child's entry in the result list.
    private static class TypedEntry<T>
    {
        public static readonly Func<Future, T> Read = static f => ((Future<T>)f).Result();
    }

    private static readonly Func<Future, object?> s_objectEntry = static f => f.ResultObject();

    private static readonly Func<Future, object?> s_entryOrException = static f =>
        // As CPython: a cancelled child's entry is a new CancelledError carrying its message, or "".
        f.Cancelled ? new CancelledException(f.CancelMessageOrNull ?? "") : f.Exception() ?? f.ResultObject();
}
