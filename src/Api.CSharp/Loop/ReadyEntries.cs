using System.Runtime.CompilerServices;

namespace Aio;

// The ready entries (handles, and tasks due for a step), kept under their entry numbers: the core holds
// only the numbers (ReadyQueue), and they are stored and taken in increasing order. So the entries live
// in a chain of fixed-size segments rather than one ring that doubles: storing never moves an entry, a
// batch of a million callbacks takes no large array (the ring doubled into the large-object heap past
// 10,000 entries, and every such array counts towards a full collection while the batch keeps its
// handles alive), and a spent segment is kept for the next one, so a steady loop allocates nothing here.
internal sealed class ReadyEntries
{
    private const int SegmentBits = 10;
    private const int SegmentSize = 1 << SegmentBits;

    private sealed class Segment(long start)
    {
        public readonly RefSlot<ILoopEntry>[] Slots = new RefSlot<ILoopEntry>[SegmentSize];
        public long Start = start;
        public Segment? Next;
    }

    private Segment _head, _tail;
    private Segment? _spare;

    public ReadyEntries() => _head = _tail = new Segment(0);

    public void Store(long number, ILoopEntry entry)
    {
        var tail = _tail;
        var at = (ulong)(number - tail.Start);
        if (at >= SegmentSize)
        {
            tail = Append(number);
            at = (ulong)(number - tail.Start);
        }
        tail.Slots[at].Value = entry;
    }

    // The entry stored under `number`, taken out so that the queue no longer keeps it alive.
    public ILoopEntry Take(long number)
    {
        var head = _head;
        var at = (ulong)(number - head.Start);
        if (at >= SegmentSize)
        {
            head = Advance(number);
            at = (ulong)(number - head.Start);
        }
        ref var slot = ref head.Slots[at].Value;
        var entry = slot!;
        slot = null;
        return entry;
    }

    // Forgets every entry (the loop closed): nothing queued may keep its callback alive.
    public void Clear(long next)
    {
        _head = _tail = new Segment(next - next % SegmentSize);
        _spare = null;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private Segment Append(long number)
    {
        while (number - _tail.Start >= SegmentSize)
        {
            var segment = _spare ?? new Segment(0);
            _spare = null;
            segment.Start = _tail.Start + SegmentSize;
            segment.Next = null;
            _tail.Next = segment;
            _tail = segment;
        }
        return _tail;
    }

    // The head segment is spent once a number past it is taken: every entry in it was taken before.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private Segment Advance(long number)
    {
        while (number - _head.Start >= SegmentSize)
        {
            var spent = _head;
            _head = spent.Next ?? throw new InvalidOperationException($"Ready entry {number} was never stored.");
            spent.Next = null;
            _spare = spent;
        }
        return _head;
    }
}
