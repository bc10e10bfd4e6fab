namespace Aio;

// The loop's exception handler (SEMANTICS §1.6): where every exception nobody else can catch ends up.
public sealed partial class Loop
{
    /// <summary>
    /// Installs the handler that receives every exception escaping a callback, and every
    /// "exception was never retrieved" report. Null restores the default, which writes to stderr.
    /// </summary>
    /// <param name="handler">Called as handler(loop, context) on the loop's thread (or the finalizer thread for reports).</param>
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
            handler(this, context);
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

    /// <summary>The default handler: writes the message, the other keys and the exception to stderr.</summary>
    /// <param name="context">What to report.</param>
    public void DefaultExceptionHandler(ExceptionContext context)
    {
        try
        {
            var lines = new List<string> { context.Message };
            foreach (var (key, value) in context)
                if (key is not ("message" or "exception")) lines.Add($"{key}: {value}");
            if (context.Exception is { } e) lines.Add(e.ToString());
            Console.Error.WriteLine(string.Join(Environment.NewLine, lines));
        }
        catch (Exception)
        {
            // The last resort must not fail: a broken stderr cannot be reported anywhere.
        }
    }
}
