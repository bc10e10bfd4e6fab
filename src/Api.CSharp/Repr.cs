using System.Collections;
using System.Globalization;

namespace Aio;

/// <summary>
/// Python-style <c>repr()</c> of values, as asyncio prints them inside future and task reprs:
/// strings quoted (<c>'x'</c>), <c>None</c>, <c>True</c>/<c>False</c>, lists as <c>[a, b]</c>,
/// exceptions as <c>Name('message')</c>.
/// </summary>
/// <example><code>Repr.Of("the result") // 'the result'</code></example>
public static class Repr
{
    // The futures whose repr is being written on this thread: one that appears inside its own repr
    // (tasks awaiting each other) prints as "...", as reprlib.recursive_repr makes CPython's do.
    [ThreadStatic] private static HashSet<object>? s_writing;

    internal static string Guarded(object self, Func<string> write)
    {
        var writing = s_writing ??= new HashSet<object>(ReferenceEqualityComparer.Instance);
        if (!writing.Add(self)) return "...";
        try
        {
            return write();
        }
        finally
        {
            writing.Remove(self);
        }
    }

    /// <summary>Formats a value the way Python's <c>repr()</c> would.</summary>
    /// <param name="value">Any value, or null.</param>
    /// <returns>The repr text.</returns>
    public static string Of(object? value) => value switch
    {
        null => "None",
        string s => Quote(s),
        bool b => b ? "True" : "False",
        double d => FormatDouble(d),
        float f => FormatDouble(f),
        IFormattable n when IsInteger(n) => n.ToString(null, CultureInfo.InvariantCulture),
        Exception e => $"{e.GetType().Name}({Quote(e.Message)})",
        VoidResult => "None",
        IEnumerable items => "[" + string.Join(", ", items.Cast<object?>().Select(Of)) + "]",
        _ => value.ToString() ?? "",
    };

    // reprlib.repr with its default limits, which asyncio applies to a future's result in its repr: a
    // string of 30 characters of repr at most, an integer of 40 digits, six items of a list, six levels
    // of nesting, and 30 characters of any other repr; what is cut keeps its start and end around "...".
    internal static string Limited(object? value) => Limited(value, 6);

    private static string Limited(object? value, int level) => value switch
    {
        null or bool or VoidResult => Of(value),
        string s => LimitedString(s),
        IFormattable n when IsInteger(n) => Middle(Of(n), 40),
        Exception => Middle(Of(value), 30),
        IEnumerable items => LimitedList(items, level),
        _ => Middle(Of(value), 30),
    };

    private static string LimitedString(string s)
    {
        var text = Of(s.Length > 30 ? s[..30] : s);
        if (text.Length <= 30) return text;
        // As reprlib: the repr of the string's first 13 and last 14 characters, cut around "...".
        var kept = Of(s[..13] + s[^14..]);
        return kept[..13] + "..." + kept[^14..];
    }

    private static string LimitedList(IEnumerable items, int level)
    {
        if (level <= 0) return "[...]";
        var pieces = new List<string>();
        foreach (var item in items)
        {
            if (pieces.Count == 6)
            {
                pieces.Add("...");
                break;
            }
            pieces.Add(Limited(item, level - 1));
        }
        return "[" + string.Join(", ", pieces) + "]";
    }

    private static string Middle(string s, int max) =>
        s.Length <= max ? s : s[..((max - 3) / 2)] + "..." + s[^(max - 3 - (max - 3) / 2)..];

    private static bool IsInteger(object n) =>
        n is int or long or short or sbyte or byte or ushort or uint or ulong or decimal or System.Numerics.BigInteger;

    private static string FormatDouble(double d)
    {
        if (double.IsNaN(d)) return "nan";
        if (double.IsInfinity(d)) return d > 0 ? "inf" : "-inf";
        // Both write the shortest digits that round-trip, in positional notation from 1e-4 up and in
        // exponent notation below it. Above, Python switches at 1e16 and .NET at 1e17, so the values in
        // between (whole numbers: no double that large has a fraction) are rewritten as Python does.
        var s = d.ToString("R", CultureInfo.InvariantCulture);
        if (s.Contains('E')) return s.Replace('E', 'e');
        if (Math.Abs(d) < 1e16) return s.Contains('.') ? s : s + ".0";
        var negative = s[0] == '-';
        var digits = s[(negative ? 1 : 0)..];
        var significant = digits.TrimEnd('0');
        var mantissa = significant.Length == 1 ? significant : significant[0] + "." + significant[1..];
        return $"{(negative ? "-" : "")}{mantissa}e+{digits.Length - 1}";
    }

    private static string Quote(string s)
    {
        // Python prefers single quotes and switches to double quotes only to avoid escaping.
        var q = s.Contains('\'') && !s.Contains('"') ? '"' : '\'';
        var body = s.Replace("\\", "\\\\").Replace("\n", "\\n");
        if (q == '\'') body = body.Replace("'", "\\'");
        return q + body + q;
    }

    // A readable name for a delegate: the method name, or the enclosing method of a lambda. The
    // library's own done callbacks carry the name asyncio gives the same callback.
    internal static string CallbackName(Delegate d) =>
        d.Method.GetCustomAttributes(typeof(AsyncioNameAttribute), inherit: false) is [AsyncioNameAttribute named, ..]
            ? named.Name
            : SourceName(d.Method.Name);

    // The name a compiler-generated method or type stands for in the source: a local function's own
    // name ("<Enclosing>g__Name|0_0", or its state machine "<<Enclosing>g__Name|0_0>d"), otherwise the
    // method a lambda or async state machine was written in ("<Enclosing>b__0_0", "<Name>d__0").
    internal static string SourceName(string compilerName)
    {
        var local = compilerName.IndexOf(">g__", StringComparison.Ordinal);
        if (local >= 0)
        {
            var start = local + 4;
            var bar = compilerName.IndexOf('|', start);
            if (bar > start) return compilerName[start..bar];
        }
        var end = compilerName.IndexOf('>');
        return compilerName.StartsWith('<') && end > 1 ? compilerName[1..end] : compilerName;
    }
}

// Names one of the library's own callbacks as asyncio names it, for reprs: a future awaited by
// run_until_complete shows cb=[_run_until_complete_cb()], not the compiler's name for a lambda.
[AttributeUsage(AttributeTargets.Method)]
internal sealed class AsyncioNameAttribute(string name) : Attribute
{
    public string Name { get; } = name;
}
