namespace Aio;

/// <summary>
/// The result of a coroutine or task that returns nothing (Python's <c>None</c>): the type
/// argument behind <see cref="Coroutine"/> and <see cref="LoopTask"/>.
/// </summary>
public readonly struct VoidResult : IEquatable<VoidResult>
{
    /// <summary>The only value.</summary>
    public static readonly VoidResult Value = default;

    /// <inheritdoc />
    public bool Equals(VoidResult other) => true;

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is VoidResult;

    /// <inheritdoc />
    public override int GetHashCode() => 0;

    /// <summary>Prints as Python's <c>None</c>.</summary>
    public override string ToString() => "None";
}
