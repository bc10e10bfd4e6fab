namespace Aio;

public static partial class Asyncio
{
    /// <summary>
    /// A timeout <paramref name="delay"/> seconds from now on the running loop's clock (asyncio's
    /// <c>timeout(delay)</c>); null never fires. Enter it with <see cref="TimeoutScope.Run(Func{Coroutine})"/>.
    /// </summary>
    /// <exception cref="InvalidOperationException">No loop is running on this thread.</exception>
    /// <example>
    /// <code>
    /// var cm = Asyncio.Timeout(10);
    /// await cm.Run(async () => { cm.Reschedule(null); await LongJob(); });
    /// </code>
    /// </example>
    public static TimeoutScope Timeout(double? delay)
    {
        var loop = GetRunningLoop();
        return new TimeoutScope(loop, delay is { } d ? loop.Time() + d : null);
    }

    /// <summary>A timeout at the absolute time <paramref name="when"/> on the running loop's clock (asyncio's <c>timeout_at</c>).</summary>
    /// <exception cref="InvalidOperationException">No loop is running on this thread.</exception>
    public static TimeoutScope TimeoutAt(double? when) => new(GetRunningLoop(), when);

    /// <summary>
    /// Runs <paramref name="body"/> inline in the current task with a deadline <paramref name="delay"/>
    /// seconds from now (asyncio's <c>async with timeout(delay):</c>).
    /// </summary>
    /// <exception cref="TimeoutException">The deadline passed and cancelled the body.</exception>
    /// <example>
    /// <code>
    /// try { await Asyncio.Timeout(0.5, async () => await SlowCall()); }
    /// catch (TimeoutException) { Console.WriteLine("too slow"); }
    /// </code>
    /// </example>
    public static Coroutine Timeout(double? delay, Func<Coroutine> body) => Timeout(delay).Run(body);

    /// <summary>Runs <paramref name="body"/> under a timeout and returns its result; see <see cref="Timeout(double?, Func{Coroutine})"/>.</summary>
    public static Coroutine<T> Timeout<T>(double? delay, Func<Coroutine<T>> body) => Timeout(delay).Run(body);

    /// <summary>Runs <paramref name="body"/> with the deadline <paramref name="when"/> (asyncio's <c>async with timeout_at(when):</c>).</summary>
    public static Coroutine TimeoutAt(double? when, Func<Coroutine> body) => TimeoutAt(when).Run(body);

    /// <summary>Runs <paramref name="body"/> with the deadline <paramref name="when"/> and returns its result.</summary>
    public static Coroutine<T> TimeoutAt<T>(double? when, Func<Coroutine<T>> body) => TimeoutAt(when).Run(body);
}
