using Aio.Core;

namespace Aio;

public static partial class Asyncio
{
    /// <summary>
    /// Protects <paramref name="inner"/> from cancellation (asyncio's <c>shield</c>): the returned
    /// future mirrors the inner's result, exception or cancellation, but cancelling it — directly, or
    /// by cancelling the task that awaits it — never touches the inner, which runs on. A done inner is
    /// returned as it is.
    /// </summary>
    /// <param name="inner">The future or task to protect.</param>
    /// <example>
    /// <code>
    /// var save = Asyncio.CreateTask(SaveToDisk());
    /// try { await Asyncio.Shield(save); }
    /// catch (CancelledException) { /* we were cancelled; the save goes on */ throw; }
    /// </code>
    /// </example>
    public static Future<T> Shield<T>(Future<T> inner)
    {
        ArgumentNullException.ThrowIfNull(inner);
        if (inner.Done) return inner;
        var outer = inner.Loop.CreateFuture<T>();
        Action<Future> innerDone = [AsyncioName("shield.<locals>._inner_done_callback")] (_) =>
        {
            switch (ShieldStateModule.innerDone(inner.ChildOutcome, outer.Cancelled))
            {
                case var d when d.IsRetrieveInnerException:
                    inner.Exception();
                    break;
                case var d when d.IsCancelOuter:
                    outer.Cancel();
                    break;
                case var d when d.IsCopyException:
                    outer.SetException(inner.Exception()!);
                    break;
                case var d when d.IsCopyResult:
                    outer.SetResult(inner.Result());
                    break;
            }
        };
        inner.AddDoneCallbackNoContext(innerDone);
        outer.AddDoneCallbackNoContext([AsyncioName("shield.<locals>._outer_done_callback")] (_) =>
        {
            if (ShieldStateModule.unlinkOnOuterDone(inner.Done)) inner.RemoveDoneCallback(innerDone);
        });
        return outer;
    }

    /// <summary>Wraps <paramref name="coroutine"/> in a task and shields it; see <see cref="Shield{T}(Future{T})"/>.</summary>
    public static Future<T> Shield<T>(Coroutine<T> coroutine)
    {
        ArgumentNullException.ThrowIfNull(coroutine);
        return Shield(EnsureFuture(coroutine));
    }
}
