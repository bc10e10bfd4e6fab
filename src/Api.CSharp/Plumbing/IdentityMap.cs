using System.Runtime.CompilerServices;

namespace Aio;

// A map keyed by object identity that never allocates in the large-object heap. One dictionary over
// 100,000 gather arguments takes a 2.6 MB entry array, and an allocation of that size sets off a full
// collection while every child task is alive (W3g: 60-75 ms of pause in a 330 ms run). Past a
// thousand keys the map spreads them by identity hash over dictionaries of about a thousand each;
// each is sized with room for the spread's usual excess, and even grown once it stays under 85,000
// bytes for reference keys and values.
internal readonly struct IdentityMap<TValue>
{
    private const int KeysPerPart = 1024;
    // About six standard deviations above the mean part size, so growing is rare.
    private const int PartCapacity = KeysPerPart + 200;

    private readonly Dictionary<object, TValue>? _single;
    private readonly Dictionary<object, TValue>?[]? _parts;

    public IdentityMap(int expectedKeys)
    {
        if (expectedKeys <= PartCapacity)
            _single = new Dictionary<object, TValue>(expectedKeys, ReferenceEqualityComparer.Instance);
        else
            _parts = new Dictionary<object, TValue>?[(expectedKeys + KeysPerPart - 1) / KeysPerPart];
    }

    public bool TryGetValue(object key, out TValue value)
    {
        if (PartOf(key, create: false) is { } part) return part.TryGetValue(key, out value!);
        value = default!;
        return false;
    }

    public void Add(object key, TValue value) => PartOf(key, create: true)!.Add(key, value);

    private Dictionary<object, TValue>? PartOf(object key, bool create)
    {
        if (_single is not null) return _single;
        var parts = _parts!;
        ref var part = ref parts[(uint)RuntimeHelpers.GetHashCode(key) % (uint)parts.Length];
        if (part is null && create) part = new Dictionary<object, TValue>(PartCapacity, ReferenceEqualityComparer.Instance);
        return part;
    }
}
