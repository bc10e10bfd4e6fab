namespace Aio;

/// <summary>
/// Raised at the await point of a cancelled task, and by <c>Result()</c>/<c>Exception()</c> of a
/// cancelled future (asyncio's <c>CancelledError</c>). It derives from
/// <see cref="OperationCanceledException"/> so that generic "task failed" handlers that skip
/// cancellation keep doing so.
/// </summary>
/// <example>
/// <code>
/// try { await Asyncio.Sleep(1); }
/// catch (CancelledException) { Console.WriteLine("cleaning up"); throw; }
/// </code>
/// </example>
public class CancelledException : OperationCanceledException
{
    /// <summary>Creates a cancellation without a message.</summary>
    public CancelledException() : base(null as string) => CancelMessage = null;

    /// <summary>Creates a cancellation carrying the message given to <c>Cancel(message)</c>.</summary>
    /// <param name="message">The cancel message, or null for none.</param>
    public CancelledException(string? message) : base(message) => CancelMessage = message;

    /// <summary>The message passed to <c>Cancel(message)</c>, or null (asyncio's <c>e.args[0]</c>).</summary>
    public string? CancelMessage { get; }

    /// <inheritdoc />
    public override string Message => CancelMessage ?? "";
}

/// <summary>
/// A future was used in a state that does not allow the operation: reading the result of a
/// pending future, or completing a done one (asyncio's <c>InvalidStateError</c>).
/// </summary>
public class InvalidStateException : InvalidOperationException
{
    /// <summary>Creates the exception with a message naming the misuse.</summary>
    /// <param name="message">What was wrong and what to do instead.</param>
    public InvalidStateException(string message) : base(message) { }
}

/// <summary>
/// An argument of the wrong kind (asyncio's <c>TypeError</c>), told apart from a wrong value
/// (<see cref="ArgumentException"/>, asyncio's <c>ValueError</c>).
/// </summary>
public class ArgumentTypeException : ArgumentException
{
    /// <summary>Creates the exception with a message naming the expected kind.</summary>
    /// <param name="message">What was expected.</param>
    public ArgumentTypeException(string message) : base(message) { }
}
