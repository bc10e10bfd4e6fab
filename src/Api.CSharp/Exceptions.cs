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

/// <summary>
/// Several exceptions raised together (Python's <c>ExceptionGroup</c>): what a <see cref="TaskGroup"/>
/// raises when children failed. <see cref="AggregateException.InnerExceptions"/> keeps them in the
/// order they happened (children in completion order, then the body's own exception), and a nested
/// group's failure is one inner <see cref="ExceptionGroup"/>.
/// </summary>
/// <example>
/// <code>
/// try { await TaskGroup.Run(async tg => { tg.CreateTask(Fetch("a")); tg.CreateTask(Fetch("b")); }); }
/// catch (ExceptionGroup eg) { foreach (var e in eg.InnerExceptions) Console.WriteLine(e.Message); }
/// </code>
/// </example>
public class ExceptionGroup : AggregateException
{
    private readonly string _message;

    /// <summary>Creates a group of <paramref name="exceptions"/> under <paramref name="message"/>.</summary>
    /// <param name="message">What the group means, e.g. <c>unhandled errors in a TaskGroup</c>.</param>
    /// <param name="exceptions">The exceptions, in order; at least one.</param>
    /// <exception cref="ArgumentException">No exception was given.</exception>
    public ExceptionGroup(string message, IEnumerable<Exception> exceptions) : base(message, exceptions)
    {
        if (InnerExceptions.Count == 0) throw new ArgumentException("An ExceptionGroup needs at least one exception.", nameof(exceptions));
        _message = message;
    }

    /// <summary>The group's own message (Python's <c>eg.message</c>), without the inner messages.</summary>
    public override string Message => _message;
}

/// <summary>
/// A barrier wait that cannot complete: the barrier was aborted, or reset while the task waited
/// (asyncio's <c>BrokenBarrierError</c>, a <c>RuntimeError</c>).
/// </summary>
public class BrokenBarrierException : InvalidOperationException
{
    /// <summary>Creates the exception with a message saying why the barrier broke.</summary>
    /// <param name="message">What broke it.</param>
    public BrokenBarrierException(string message) : base(message) { }
}

/// <summary><c>GetNowait()</c> on an empty queue (asyncio's <c>QueueEmpty</c>).</summary>
public class QueueEmptyException : Exception
{
    /// <summary>Creates the exception.</summary>
    public QueueEmptyException() : base("The queue is empty: await Get() to wait for an item, or check Empty first.") { }
}

/// <summary><c>PutNowait()</c> on a full queue (asyncio's <c>QueueFull</c>).</summary>
public class QueueFullException : Exception
{
    /// <summary>Creates the exception.</summary>
    public QueueFullException() : base("The queue is full: await Put() to wait for room, or check Full first.") { }
}

/// <summary>A put, or a get on an empty queue, after <c>Shutdown()</c> (asyncio 3.13's <c>QueueShutDown</c>).</summary>
public class QueueShutDownException : Exception
{
    /// <summary>Creates the exception.</summary>
    public QueueShutDownException() : base("The queue was shut down: no item will come, and none may be added.") { }
}
