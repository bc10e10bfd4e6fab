namespace Aio;

// The loop's exception handler (SEMANTICS §1.6): where every exception nobody else can catch ends up.
public sealed partial class Loop
{
    /// <summary>
    /// Installs the handler that receives every exception escaping a callback, and every
    /// "exception was never retrieved" report. Null restores the default, which writes to stderr.
    /// </summary>
    /// <param name="handler">Called as handler(loop, context) on the loop's thread (or the finalizer thread for reports),
    /// in the ExecutionContext of the task or handle the report is about, as asyncio does.</param>
    /// <example>
    /// <code>
    /// loop.SetExceptionHandler((l, ctx) => Console.WriteLine($"{ctx.Message}: {ctx.Exception}"));
    /// </code>
    /// </example>
    public void SetExceptionHandler(Action<Loop, ExceptionContext>? handler) => _handler = handler;

    /// <summary>The custom handler, or null when the default is in place.</summary>
    public Action<Loop, ExceptionContext>? GetExceptionHandler() => _handler;

    /// <summary>
    /// Passes <paramref name="context"/> to the exception handler. A handler that throws is itself
    /// reported by the default handler; nothing here ever throws.
    /// </summary>
    /// <param name="context">The message and any other keys.</param>
    public void CallExceptionHandler(ExceptionContext context)
    {
        var handler = _handler;
        if (handler is null)
        {
            DefaultExceptionHandler(context);
            return;
        }
        try
        {
            // As asyncio 3.12+: a custom handler runs in the context of the task, future or handle the
            // report is about, so it sees the AsyncLocal values the failing code saw.
            var about = ContextOfSubject(context);
            if (about is null) handler(this, context);
            else InContext.Run(about, static s =>
            {
                var (loop, handler, context) = ((Loop, Action<Loop, ExceptionContext>, ExceptionContext))s!;
                handler(loop, context);
            }, (this, handler, context));
        }
        catch (Exception e) when (!FatalExceptions.Is(e))
        {
            DefaultExceptionHandler(new ExceptionContext("Unhandled error in exception handler")
            {
                ["exception"] = e,
                ["context"] = context,
            });
        }
    }

    private static ExecutionContext? ContextOfSubject(ExceptionContext context)
    {
        var task = context.GetValueOrDefault("task") as ILoopTask ?? context.Future as ILoopTask;
        return task is not null ? task.GetContext() : context.Handle?.GetContext();
    }

    /// <summary>
    /// The default handler: writes to stderr the message (<c>Unhandled exception in event loop</c> if it
    /// is empty), then every other key in sorted order with the repr of its value, then the exception,
    /// as asyncio's <c>default_exception_handler</c> logs them.
    /// </summary>
    /// <param name="context">What to report.</param>
    public void DefaultExceptionHandler(ExceptionContext context)
    {
        try
        {
            var lines = new List<string> { context.Message is { Length: > 0 } message ? message : "Unhandled exception in event loop" };
            foreach (var key in context.Keys.Where(k => k is not ("message" or "exception")).Order(StringComparer.Ordinal))
                lines.Add($"{key}: {ReprOfValue(context[key])}");
            if (context.Exception is { } e) lines.Add(e.ToString());
            Console.Error.WriteLine(string.Join(Environment.NewLine, lines));
        }
        catch (Exception)
        {
            // The last resort must not fail: a broken stderr cannot be reported anywhere.
        }
    }

    // A nested context (the one a failing handler was given) prints as the dict it is in asyncio.
    private static string ReprOfValue(object? value) => value is ExceptionContext nested
        ? "{" + string.Join(", ", nested.Select(kv => $"{Repr.Of(kv.Key)}: {Repr.Of(kv.Value)}")) + "}"
        : Repr.Of(value);
}
