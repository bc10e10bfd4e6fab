using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Aio;

// all_tasks(), without keeping a forgotten task alive. CPython holds its scheduled tasks in a WeakSet, so
// a pending task that nothing references any more is destroyed and says "Task was destroyed but it is
// pending!". Here a task is held strongly only while something else holds it anyway: until its first
// suspension on a future it sits in a strong slot (its step is queued, or it runs), and from then on only
// a weak handle in a slot of its own names it, so a task whose waiter was dropped is collected with it.
// The registry notices after a collection (CollectionSentinel) and reports it.
//
// A task keeps one number here, its slot (ITaskStepper.RegistrySlot): negative for a strong slot,
// positive for a weak one, 0 once it is done. Slots, not a list threaded through the tasks: a list would
// cost every task two references, and all_tasks() sorts by creation order anyway. Weak handles are pooled
// and retargeted, not allocated per task (a retarget costs a fraction of an allocation and a free), and a
// task that finishes before it ever parks never takes one. They come a chunk at a time from a pool the
// whole process shares, and a registry that is collected gives them back: allocating 100,000 handles
// for each new loop, and freeing them on the finalizer thread while the next loop allocated its own
// (the runtime's handle table serialises the two), took a third of W6v's time on 2 cores.
internal sealed class TaskRegistry
{
    private readonly Loop _loop;
    private long _created;
    private Slot[]?[] _chunks = [];
    private int _used;          // slots handed out at least once (the rest of the array is untouched)
    private int _free = -1;     // head of the free slots, threaded through Slot.NextFree
    private int _parked;
    // The strong slots: chunks never copied, the free ones threaded through the slots themselves. Once no
    // task holds one (every task parked or done, as at the end of most iterations) they start over from
    // the first chunk, so a burst of tasks that all park leaves no empty slots behind. (A separate stack of
    // free indexes grew by doubling into the large-object heap past about 20,000 tasks, and allocating
    // there is what set off a full collection in the middle of a burst of 100,000.)
    private StrongSlot[]?[] _strongChunks = [];
    private int _strongUsed;
    private int _strongLive;
    private int _strongFree = -1;
    // The running sentinel's stop flag; the registry must not reference the sentinel itself, or it would
    // never be collected.
    private StrongBox<bool>? _sentinelStop;
    private int _sweepDue;
    private bool _closed;
    // Held (1) while the weak slots change or are read: the loop's thread parks and releases tasks, and
    // the finalizer thread sweeps after a collection when the loop is not running. A flag, not a
    // Monitor: parking takes it once per task, and an interlocked exchange is the cheaper of the two.
    private int _busy;

    private void Enter()
    {
        if (Interlocked.Exchange(ref _busy, 1) == 0) return;
        var spin = new SpinWait();
        while (Interlocked.Exchange(ref _busy, 1) != 0) spin.SpinOnce();
    }

    private void Exit() => Volatile.Write(ref _busy, 0);

    // What a report needs once the task is gone: its name or number, and its coroutine's name source. A
    // free slot keeps the next free one's index in Number. Slots come in fixed chunks, never copied.
    private struct Slot
    {
        public GCHandle Handle;
        // The task's number; QuietBit set: not reported when found dead.
        public long Number;
        public string? Name;
        public object? Coroutine;
    }

    // A struct element, not the task reference itself: storing into an array of an interface type would
    // check the element's type on every store (see RefSlot).
    private struct StrongSlot
    {
        public ITaskStepper? Task;
        public int NextFree;
    }

    private const long QuietBit = TaskNumbers.QuietBit;

    private const int ChunkBits = 8;
    private const int ChunkSize = 1 << ChunkBits;
    private const int StrongChunkBits = 10;
    private const int StrongChunkSize = 1 << StrongChunkBits;

    private ref Slot At(int index) => ref _chunks[index >> ChunkBits]![index & (ChunkSize - 1)];

    private ref StrongSlot StrongSlotAt(int index) => ref _strongChunks[index >> StrongChunkBits]![index & (StrongChunkSize - 1)];

    private ref ITaskStepper? StrongAt(int index) => ref StrongSlotAt(index).Task;

    public TaskRegistry(Loop loop) => _loop = loop;

    public void Register(ITaskStepper task)
    {
        task.Seq = ++_created;
        var index = TakeStrong();
        StrongAt(index) = task;
        _strongLive++;
        task.RegistrySlot = -(index + 1);
    }

    // The task's first suspension on a future: from here on the table names it weakly.
    public void Park(ITaskStepper task)
    {
        ReleaseStrong(-task.RegistrySlot - 1);
        Enter();
        var index = TakeSlot();
        ref var slot = ref At(index);
        slot.Handle.Target = task;
        slot.Name = task.ExplicitName;
        slot.Number = task.ReportIfDestroyedPending ? task.Number : task.Number | QuietBit;
        slot.Coroutine = task.CoroutineNameSource;
        task.RegistrySlot = index + 1;
        _parked++;
        Exit();
        _sentinelStop ??= CollectionSentinel.Start(this);
    }

    public void Renamed(ITaskStepper task)
    {
        if (task.RegistrySlot <= 0) return;
        Enter();
        At(task.RegistrySlot - 1).Name = task.ExplicitName;
        Exit();
    }

    public void Unregister(ITaskStepper task)
    {
        var slot = task.RegistrySlot;
        if (slot > 0)
        {
            Enter();
            Release(slot - 1);
            Exit();
        }
        else if (slot < 0) ReleaseStrong(-slot - 1);
        task.RegistrySlot = 0;
    }

    // Unfinished tasks in creation order; the dead ones found on the way are reported first.
    public IReadOnlyList<ILoopTask> Live()
    {
        Sweep();
        var live = new List<ITaskStepper>();
        for (var i = 0; i < _strongUsed; i++)
            if (StrongAt(i) is { } t) live.Add(t);
        // A free slot has no coroutine: skipped without reading its weak handle, which costs a lookup
        // in the runtime's handle table (a loop whose 100,000 tasks all finished has 100,000 free slots).
        Enter();
        for (var i = 0; i < _used; i++)
        {
            ref var slot = ref At(i);
            if (slot.Coroutine is not null && slot.Handle.Target is ITaskStepper t) live.Add(t);
        }
        Exit();
        live.Sort(static (a, b) => a.Seq.CompareTo(b.Seq));
        return live;
    }

    // On the finalizer thread, after a collection: a running loop sweeps at its next iteration; one that
    // is not running, or is closed, has no iteration to come, so the sweep (and its reports) happens here,
    // as CPython's Task.__del__ reports from wherever the collection happened. A closed loop with no
    // parked task left stops listening.
    public void CollectionHappened()
    {
        Volatile.Write(ref _sweepDue, 1);
        _loop.SweepAfterCollection();
        if (_closed && Volatile.Read(ref _parked) == 0 && _sentinelStop is not null) Volatile.Write(ref _sentinelStop.Value, true);
    }

    public bool SweepDue => Volatile.Read(ref _sweepDue) != 0;

    // Every parked task that was collected while pending is reported, and its slot freed: on the loop's
    // thread while it runs, else on the finalizer thread (see CollectionHappened).
    public void Sweep()
    {
        if (Interlocked.Exchange(ref _sweepDue, 0) == 0) return;
        List<string>? dead = null;
        Enter();
        for (var i = 0; i < _used && _parked > 0; i++)
        {
            ref var slot = ref At(i);
            if (slot.Coroutine is null || slot.Handle.Target is not null) continue;
            if ((slot.Number & QuietBit) != 0)
            {
                Release(i);
                continue;
            }
            var name = slot.Name ?? $"Task-{slot.Number}";
            var coroutine = slot.Coroutine as string ?? Aio.Coroutine<VoidResult>.MachineName(slot.Coroutine as Type);
            (dead ??= []).Add($"<Task pending name={Repr.Of(name)} coro=<{coroutine}()>>");
            Release(i);
        }
        Exit();
        // Reported after the sweep, so that a handler that creates or drops tasks does not meet it halfway.
        if (dead is null) return;
        foreach (var text in dead)
            _loop.CallExceptionHandler(new ExceptionContext("Task was destroyed but it is pending!") { ["task"] = text });
    }

    // The loop closed. Tasks still parked may yet be dropped and collected, and are reported then, so the
    // sentinel keeps listening while any is left; unless `leftoversReported` (a Debug loop reported every
    // pending task as it closed), when they are forgotten instead of reported twice.
    public void Close(bool leftoversReported)
    {
        _closed = true;
        if (leftoversReported)
        {
            Enter();
            for (var i = 0; i < _used; i++)
            {
                ref var slot = ref At(i);
                if (slot.Coroutine is null) continue;
                if (slot.Handle.Target is ITaskStepper task) task.RegistrySlot = 0;
                Release(i);
            }
            Exit();
        }
        Volatile.Write(ref _sweepDue, 1);
        Sweep();
        if (_parked == 0 && _sentinelStop is not null) Volatile.Write(ref _sentinelStop.Value, true);
    }

    private int TakeStrong()
    {
        if (_strongFree >= 0)
        {
            var index = _strongFree;
            _strongFree = StrongSlotAt(index).NextFree;
            return index;
        }
        var chunk = _strongUsed >> StrongChunkBits;
        if (chunk == _strongChunks.Length) Array.Resize(ref _strongChunks, Math.Max(4, _strongChunks.Length * 2));
        _strongChunks[chunk] ??= new StrongSlot[StrongChunkSize];
        return _strongUsed++;
    }

    private void ReleaseStrong(int index)
    {
        ref var slot = ref StrongSlotAt(index);
        slot.Task = null;
        if (--_strongLive == 0)
        {
            StartStrongOver();
            return;
        }
        slot.NextFree = _strongFree;
        _strongFree = index;
    }

    // Every strong slot is empty: the first chunk is kept for the next tasks, the rest go.
    private void StartStrongOver()
    {
        _strongUsed = 0;
        _strongFree = -1;
        for (var i = 1; i < _strongChunks.Length && _strongChunks[i] is not null; i++) _strongChunks[i] = null;
    }

    private int TakeSlot()
    {
        if (_free >= 0)
        {
            var index = _free;
            _free = (int)At(index).Number;
            return index;
        }
        var chunk = _used >> ChunkBits;
        if (chunk == _chunks.Length) Array.Resize(ref _chunks, Math.Max(4, _chunks.Length * 2));
        _chunks[chunk] ??= SlotChunks.Rent();
        return _used++;
    }

    private void Release(int index)
    {
        ref var slot = ref At(index);
        // The handle keeps its target: a slot is free by its coroutine field alone, and a weak target
        // keeps nothing alive, so clearing it would only cost a handle-table write per finished task.
        slot.Name = null;
        slot.Coroutine = null;
        slot.Number = _free;
        _free = index;
        _parked--;
    }

    // The chunks, handles and all, go back to the pool when the registry is collected (on the finalizer
    // thread).
    ~TaskRegistry() => SlotChunks.Return(_chunks);

    // Chunks of free slots and their weak handles, shared by every registry of the process: a registry
    // takes one at a time and gives all of its back when it is collected. Bounded: past MaxChunks the
    // handles of returned chunks are freed instead of kept.
    private static class SlotChunks
    {
        private const int MaxChunks = 4096; // 1,048,576 handles
        // Lock-free: with a lock, the loop thread taking a chunk spun for tens of microseconds at a time
        // while the finalizer gave back the previous loop's (W6v: 360 ms over 15 runs).
        private static readonly System.Collections.Concurrent.ConcurrentStack<Slot[]> s_free = new();
        private static int s_count;

        public static Slot[] Rent()
        {
            if (s_free.TryPop(out var pooled))
            {
                Interlocked.Decrement(ref s_count);
                return pooled;
            }
            var slots = new Slot[ChunkSize];
            for (var i = 0; i < slots.Length; i++) slots[i].Handle = GCHandle.Alloc(null, GCHandleType.Weak);
            return slots;
        }

        public static void Return(Slot[]?[] chunks)
        {
            foreach (var slots in chunks)
            {
                if (slots is null) continue;
                // A slot is free by its coroutine field alone, so the handles keep whatever target they
                // had: setting 100,000 targets on the finalizer thread while the next loop's tasks park
                // cost a run of W6v 240 ms (the runtime's handle table serialises the two).
                for (var i = 0; i < slots.Length; i++)
                {
                    ref var slot = ref slots[i];
                    slot.Name = null;
                    slot.Coroutine = null;
                    slot.Number = 0;
                }
                if (Interlocked.Increment(ref s_count) <= MaxChunks)
                {
                    s_free.Push(slots);
                    continue;
                }
                // The pool is full: this chunk's handles are freed instead.
                Interlocked.Decrement(ref s_count);
                foreach (ref var slot in slots.AsSpan()) slot.Handle.Free();
            }
        }
    }
}

// Finalized after every collection of its generation: a fresh one is made each time, so it stays young
// and the registry hears of every gen-0 collection (a dropped task dies young as often as old). It holds
// the registry weakly, so a forgotten loop is still collected, and stops when the loop closes.
internal sealed class CollectionSentinel
{
    private readonly GCHandle _registry;
    private readonly StrongBox<bool> _stopped;

    private CollectionSentinel(GCHandle registry, StrongBox<bool> stopped)
    {
        _registry = registry;
        _stopped = stopped;
    }

    // Only the finalization queue references the sentinel; the registry keeps its stop flag.
    public static StrongBox<bool> Start(TaskRegistry registry)
    {
        var stopped = new StrongBox<bool>();
        _ = new CollectionSentinel(GCHandle.Alloc(registry, GCHandleType.Weak), stopped);
        return stopped;
    }

    ~CollectionSentinel()
    {
        if (Volatile.Read(ref _stopped.Value) || _registry.Target is not TaskRegistry registry)
        {
            _registry.Free();
            return;
        }
        registry.CollectionHappened();
        _ = new CollectionSentinel(_registry, _stopped);
    }
}
