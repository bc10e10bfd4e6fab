using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Aio;

// all_tasks(), without keeping a forgotten task alive. CPython holds its scheduled tasks in a WeakSet, so
// a pending task that nothing references any more is destroyed and says "Task was destroyed but it is
// pending!". Here a task is held strongly only while something else holds it anyway: until its first
// suspension on a future it is on a list threaded through the tasks (its step is queued, or it runs), and
// from then on only a weak handle in a slot of this table names it, so a task whose waiter was dropped is
// collected with it. The registry notices after a collection (CollectionSentinel) and reports it.
//
// Weak handles are pooled and retargeted, not allocated per task (a retarget costs a fraction of an
// allocation and a free), and a task that finishes before it ever parks never takes one.
internal sealed class TaskRegistry
{
    private readonly Loop _loop;
    private ITaskStepper? _first, _last;
    private long _created;
    private Slot[][] _chunks = [];
    private int _used;          // slots handed out at least once (the rest of the array is untouched)
    private int _free = -1;     // head of the free slots, threaded through Slot.NextFree
    private int _parked;
    // The running sentinel's stop flag; the registry must not reference the sentinel itself, or it would
    // never be collected.
    private StrongBox<bool>? _sentinelStop;
    private int _sweepDue;

    // What a report needs once the task is gone: its name or number, and its coroutine's name source. A
    // free slot keeps the next free one's index in Number. Slots come in fixed chunks, never copied.
    private struct Slot
    {
        public GCHandle Handle;
        public long Number;
        public string? Name;
        public object? Coroutine;
    }

    private const int ChunkBits = 8;
    private const int ChunkSize = 1 << ChunkBits;

    private ref Slot At(int index) => ref _chunks[index >> ChunkBits][index & (ChunkSize - 1)];

    public TaskRegistry(Loop loop) => _loop = loop;

    public void Register(ITaskStepper task)
    {
        task.Seq = ++_created;
        task.PrevLive = _last;
        if (_last is null) _first = task;
        else _last.NextLive = task;
        _last = task;
    }

    // The task's first suspension on a future: from here on the table names it weakly.
    public void Park(ITaskStepper task)
    {
        Unlink(task);
        var index = TakeSlot();
        ref var slot = ref At(index);
        slot.Handle.Target = task;
        slot.Name = task.ExplicitName;
        slot.Number = task.Number;
        slot.Coroutine = task.CoroutineNameSource;
        task.WeakSlot = index + 1;
        _parked++;
        _sentinelStop ??= CollectionSentinel.Start(this);
    }

    public void Renamed(ITaskStepper task)
    {
        if (task.WeakSlot > 0) At(task.WeakSlot - 1).Name = task.ExplicitName;
    }

    public void Unregister(ITaskStepper task)
    {
        if (task.WeakSlot > 0)
        {
            Release(task.WeakSlot - 1);
            task.WeakSlot = 0;
        }
        else Unlink(task);
    }

    // Unfinished tasks in creation order; the dead ones found on the way are reported first.
    public IReadOnlyList<ILoopTask> Live()
    {
        Sweep();
        var strong = new List<ILoopTask>();
        for (var t = _first; t is not null; t = t.NextLive) strong.Add(t);
        if (_parked == 0) return strong;
        var parked = new List<ITaskStepper>(_parked);
        for (var i = 0; i < _used; i++)
            if (At(i).Handle.Target is ITaskStepper t) parked.Add(t);
        parked.Sort(static (a, b) => a.Seq.CompareTo(b.Seq));
        var merged = new List<ILoopTask>(strong.Count + parked.Count);
        int s = 0, p = 0;
        while (s < strong.Count || p < parked.Count)
        {
            if (p == parked.Count || (s < strong.Count && ((ITaskStepper)strong[s]).Seq < parked[p].Seq)) merged.Add(strong[s++]);
            else merged.Add(parked[p++]);
        }
        return merged;
    }

    // On the finalizer thread, after a collection: the loop sweeps at its next iteration (or now, if it
    // is not running).
    public void CollectionHappened()
    {
        Volatile.Write(ref _sweepDue, 1);
        _loop.WakeForSweep();
    }

    public bool SweepDue => Volatile.Read(ref _sweepDue) != 0;

    // On the loop's thread: every parked task that was collected while pending is reported, and its slot
    // freed.
    public void Sweep()
    {
        if (Interlocked.Exchange(ref _sweepDue, 0) == 0 || _parked == 0) return;
        List<string>? dead = null;
        for (var i = 0; i < _used; i++)
        {
            ref var slot = ref At(i);
            if (slot.Coroutine is null || slot.Handle.Target is not null) continue;
            var name = slot.Name ?? $"Task-{slot.Number}";
            var coroutine = slot.Coroutine as string ?? Aio.Coroutine<VoidResult>.MachineName(slot.Coroutine as Type);
            (dead ??= []).Add($"<Task pending name={Repr.Of(name)} coro=<{coroutine}()>>");
            Release(i);
        }
        // Reported after the sweep, so that a handler that creates or drops tasks does not meet it halfway.
        if (dead is null) return;
        foreach (var text in dead)
            _loop.CallExceptionHandler(new ExceptionContext("Task was destroyed but it is pending!") { ["task"] = text });
    }

    public void Close()
    {
        if (_sentinelStop is not null) Volatile.Write(ref _sentinelStop.Value, true);
        Sweep();
    }

    private void Unlink(ITaskStepper task)
    {
        if (task.PrevLive is null) _first = task.NextLive;
        else task.PrevLive.NextLive = task.NextLive;
        if (task.NextLive is null) _last = task.PrevLive;
        else task.NextLive.PrevLive = task.PrevLive;
        task.PrevLive = task.NextLive = null;
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
        _chunks[chunk] ??= new Slot[ChunkSize];
        At(_used).Handle = GCHandle.Alloc(null, GCHandleType.Weak);
        return _used++;
    }

    private void Release(int index)
    {
        ref var slot = ref At(index);
        slot.Handle.Target = null;
        slot.Name = null;
        slot.Coroutine = null;
        slot.Number = _free;
        _free = index;
        _parked--;
    }

    // The handles themselves go when the registry does.
    ~TaskRegistry()
    {
        for (var i = 0; i < _used; i++) At(i).Handle.Free();
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
