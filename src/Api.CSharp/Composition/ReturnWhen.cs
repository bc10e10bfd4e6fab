namespace Aio;

/// <summary>When <see cref="Asyncio.Wait{TFuture}"/> returns (asyncio's <c>return_when</c>).</summary>
public enum ReturnWhen
{
    /// <summary>As soon as any future finishes or is cancelled.</summary>
    FirstCompleted,

    /// <summary>When a future finishes with an exception (a cancelled one does not count), or all are done.</summary>
    FirstException,

    /// <summary>When every future is done (the default).</summary>
    AllCompleted,
}
