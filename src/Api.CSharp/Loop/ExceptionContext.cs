using System.Collections;

namespace Aio;

/// <summary>
/// What the loop tells its exception handler: asyncio's context dictionary, with typed access to
/// the well-known keys (<c>message</c>, <c>exception</c>, <c>handle</c>, <c>future</c>,
/// <c>task</c>) and any extra keys a caller of <see cref="Loop.CallExceptionHandler"/> adds.
/// </summary>
/// <example>
/// <code>
/// loop.CallExceptionHandler(new ExceptionContext("hello") { ["extra"] = 42 });
/// </code>
/// </example>
public sealed class ExceptionContext : IReadOnlyDictionary<string, object?>
{
    private readonly Dictionary<string, object?> _items = new(StringComparer.Ordinal);

    /// <summary>Creates a context with its required message.</summary>
    /// <param name="message">A description of what went wrong.</param>
    public ExceptionContext(string message) => _items["message"] = message;

    /// <summary>The description of what went wrong.</summary>
    public string Message => (string)_items["message"]!;

    /// <summary>The exception, if the context carries one.</summary>
    public Exception? Exception => _items.GetValueOrDefault("exception") as Exception;

    /// <summary>The callback handle that raised, if any.</summary>
    public Handle? Handle => _items.GetValueOrDefault("handle") as Handle;

    /// <summary>The future concerned, if any.</summary>
    public Future? Future => _items.GetValueOrDefault("future") as Future;

    /// <summary>Gets or sets any key, well known or extra.</summary>
    /// <param name="key">The key, e.g. <c>"exception"</c>.</param>
    public object? this[string key]
    {
        get => _items[key];
        set => _items[key] = value;
    }

    /// <inheritdoc />
    public IEnumerable<string> Keys => _items.Keys;

    /// <inheritdoc />
    public IEnumerable<object?> Values => _items.Values;

    /// <inheritdoc />
    public int Count => _items.Count;

    /// <inheritdoc />
    public bool ContainsKey(string key) => _items.ContainsKey(key);

    /// <inheritdoc />
    public bool TryGetValue(string key, out object? value) => _items.TryGetValue(key, out value);

    /// <inheritdoc />
    public IEnumerator<KeyValuePair<string, object?>> GetEnumerator() => _items.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>The message, then each other key and value, as the default handler logs it.</summary>
    public override string ToString() =>
        string.Join(Environment.NewLine, _items.Select(kv => kv.Key == "message" ? Message : $"{kv.Key}: {kv.Value}"));
}
