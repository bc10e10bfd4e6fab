using System.Collections;
using System.Globalization;

namespace Aio.Examples.Conformance;

/// <summary>
/// The one place where the conformance ports meet Python's spelling: the exception name table
/// (the traces keep CPython's names), <c>print()</c> with <c>str()</c> of each argument, and the
/// user exception classes the scenarios raise.
/// </summary>
public static class Py
{
    /// <summary>Python's <c>type(e).__name__</c> for the exceptions the scenarios see.</summary>
    public static string TypeName(Exception e) => e switch
    {
        // The scenarios' own exceptions already carry the Python name.
        ValueError or KeyError or RuntimeError => e.GetType().Name,
        CancelledException => "CancelledError",
        System.TimeoutException => "TimeoutError",
        InvalidStateException => "InvalidStateError",
        ExceptionGroup => "ExceptionGroup",
        BrokenBarrierException => "BrokenBarrierError",
        QueueEmptyException => "QueueEmpty",
        QueueFullException => "QueueFull",
        QueueShutDownException => "QueueShutDown",
        // TypeError is the more derived ValueError, so it must be tested first.
        ArgumentTypeException => "TypeError",
        ArgumentException => "ValueError",
        InvalidOperationException => "RuntimeError",
        _ => e.GetType().Name,
    };

    /// <summary>Python's <c>str()</c>: what <c>print()</c> shows for one argument.</summary>
    public static string Str(object? value) => value switch
    {
        null => "None",
        string s => s,
        bool b => b ? "True" : "False",
        VoidResult => "None",
        // str(KeyError('k')) quotes its argument; every other exception prints its message.
        KeyError k => Repr.Of(k.Message),
        Exception e => e.Message,
        double or float => Repr.Of(value),
        IFormattable f when value is not IEnumerable => f.ToString(null, CultureInfo.InvariantCulture),
        Future or ILoopTask => value.ToString() ?? "",
        IEnumerable items => "[" + string.Join(", ", items.Cast<object?>().Select(Repr.Of)) + "]",
        _ => value.ToString() ?? "",
    };

    /// <summary>Python's <c>print(*args)</c>: the arguments' <c>str()</c> joined by spaces, then a newline.</summary>
    public static void Print(TextWriter output, params object?[] args) =>
        output.WriteLine(string.Join(" ", args.Select(Str)));
}

/// <summary>The scenarios' <c>ValueError</c>, raised as an ordinary user exception.</summary>
/// <remarks>A ValueError port is an <see cref="ArgumentException"/>, so <c>except ValueError</c> ports catch it too.</remarks>
public sealed class ValueError : ArgumentException
{
    /// <summary>Python's <c>ValueError()</c>, without a message.</summary>
    public ValueError() : base("") { }

    /// <summary>Python's <c>ValueError(message)</c>.</summary>
    public ValueError(string message) : base(message) { }
}

/// <summary>The scenarios' <c>KeyError</c>, raised as an ordinary user exception.</summary>
public sealed class KeyError(string message) : KeyNotFoundException(message);

/// <summary>The scenarios' <c>RuntimeError</c>, raised as an ordinary user exception.</summary>
/// <remarks>A RuntimeError port is an <see cref="InvalidOperationException"/>, so <c>except RuntimeError</c> ports catch it too.</remarks>
public sealed class RuntimeError(string message) : InvalidOperationException(message);
