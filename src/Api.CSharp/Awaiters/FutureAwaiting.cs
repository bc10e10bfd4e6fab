using Aio.Awaiters;

namespace Aio;

/// <summary>
/// <c>await</c> on a future whose result type is not known (a <see cref="Future"/>, as done callbacks and
/// <see cref="Asyncio.Wait{TFuture}"/> hand them out). An extension rather than a member of
/// <see cref="Future"/>: a typed <see cref="Future{T}"/> then has exactly one <c>GetAwaiter</c>, which F#'s
/// <c>task { let! … }</c> needs to pick it.
/// </summary>
public static class FutureAwaiting
{
    /// <summary>Awaits completion without reading a typed result; raises the future's exception.</summary>
    /// <example><code>foreach (Future f in done) await f;</code></example>
    public static FutureAwaiter GetAwaiter(this Future future)
    {
        ArgumentNullException.ThrowIfNull(future);
        return new FutureAwaiter(future);
    }
}
