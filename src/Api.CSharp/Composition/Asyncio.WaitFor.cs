using Aio.Core;
using Microsoft.FSharp.Core;

namespace Aio;

public static partial class Asyncio
{
    /// <summary>
    /// Awaits <paramref name="coroutine"/> with a deadline (asyncio's <c>wait_for</c>). The coroutine
    /// runs inline in the calling task, no new task is made; on expiry the caller is cancelled, which
    /// cancels the coroutine at its await, and once it has finished its cleanup a
    /// <see cref="TimeoutException"/> is raised. If the coroutine swallows the cancellation and returns,
    /// its value is returned. A cancellation of the caller from outside passes through unchanged.
    /// </summary>
    /// <param name="coroutine">The coroutine to run.</param>
    /// <param name="timeout">Seconds; null waits as long as it takes; zero or less never runs a coroutine.</param>
    /// <exception cref="TimeoutException">The deadline passed first.</exception>
    /// <example>
    /// <code>
    /// try { string page = await Asyncio.WaitFor(Fetch(url), timeout: 2.0); }
    /// catch (TimeoutException) { Console.WriteLine("too slow"); }
    /// </code>
    /// </example>
    public static Coroutine<T> WaitFor<T>(Coroutine<T> coroutine, double? timeout)
    {
        ArgumentNullException.ThrowIfNull(coroutine);
        return WaitForAwaitable(coroutine, timeout, static c => c);
    }

    /// <summary>Awaits a coroutine that returns nothing with a deadline; see <see cref="WaitFor{T}(Coroutine{T}, double?)"/>.</summary>
    public static Coroutine WaitFor(Coroutine coroutine, double? timeout)
    {
        ArgumentNullException.ThrowIfNull(coroutine);
        return WaitForVoid(coroutine, timeout);
    }

    /// <summary>
    /// Awaits a future or task with a deadline; on expiry the future is cancelled, and the
    /// <see cref="TimeoutException"/> comes once it is done (a task has finished its cleanup).
    /// </summary>
    /// <param name="future">The future or task.</param>
    /// <param name="timeout">Seconds; null waits as long as it takes.</param>
    /// <exception cref="TimeoutException">The deadline passed first.</exception>
    public static Coroutine<T> WaitFor<T>(Future<T> future, double? timeout)
    {
        ArgumentNullException.ThrowIfNull(future);
        return WaitForAwaitable(future, timeout, static f => AwaitFuture(f));
    }

    private static async Coroutine WaitForVoid(Coroutine coroutine, double? timeout) =>
        await WaitForAwaitable<VoidResult, Coroutine<VoidResult>>(coroutine, timeout, static c => c);

    private static async Coroutine<T> AwaitFuture<T>(Future<T> future) => await future;

    // asyncio's wait_for over "something that becomes a future": `inline` awaits it in the caller.
    private static async Coroutine<T> WaitForAwaitable<T, TAwaitable>(TAwaitable awaitable, double? timeout, Func<TAwaitable, Coroutine<T>> inline)
        where TAwaitable : class
    {
        var plan = WaitForPlanModule.forTimeout(timeout is { } t ? FSharpValueOption<double>.NewValueSome(t) : FSharpValueOption<double>.ValueNone);
        if (plan.IsAwaitPlainly) return await inline(awaitable);
        if (plan is WaitForPlan.AwaitUnderTimeout under) return await Timeout(under.delay).Run(() => inline(awaitable));
        var future = (Future<T>)EnsureFutureOn(GetRunningLoop(), awaitable);
        if (future.Done) return future.Result();
        await CancelAndWait(future);
        if (WaitForPlanModule.expiry(future.ChildOutcome).IsRaiseTimeoutError)
            throw new TimeoutException("The timeout expired before the awaitable could finish.", future.CancelledError());
        return future.Result();
    }

    // Cancels the future and waits until it is done, without raising its outcome.
    private static async Coroutine CancelAndWait(Future future)
    {
        var waiter = future.Loop.CreateFuture<VoidResult>();
        Action<Future> release = [AsyncioName("_release_waiter")] (_) =>
        {
            if (!waiter.Done) waiter.SetResult(default);
        };
        future.AddDoneCallbackNoContext(release);
        try
        {
            future.Cancel();
            await waiter;
        }
        finally
        {
            future.RemoveDoneCallback(release);
        }
    }
}
