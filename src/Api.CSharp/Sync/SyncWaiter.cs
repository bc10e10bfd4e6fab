namespace Aio;

// The future one waiter of a primitive awaits. Cancelling it (which cancelling its task does) tells the
// primitive at once, so that the primitive's line knows the waiter is withdrawn before the task even
// resumes: a newcomer then need not queue behind it.
internal sealed class SyncWaiter : Future<VoidResult>
{
    private readonly Action<long> _withdrawn;

    public SyncWaiter(Loop loop, long id, Action<long> withdrawn) : base(loop)
    {
        Id = id;
        _withdrawn = withdrawn;
    }

    public long Id { get; }

    // Woken: the primitive set the result, the waiter has not run yet.
    public bool WasWoken => Done && !Cancelled;

    public void Wake() => SetResult(default);

    public override bool Cancel(string? message = null)
    {
        if (!base.Cancel(message)) return false;
        _withdrawn(Id);
        return true;
    }
}

// The loop a primitive is bound to: the running loop that first needed it (asyncio's _LoopBoundMixin).
// Every later use must come from that loop's thread while it runs.
internal struct LoopBinding
{
    private Loop? _loop;

    public Loop? Loop => _loop;

    // The running loop, binding to it on first use.
    public Loop Bind(object owner)
    {
        var loop = Asyncio.GetRunningLoop();
        _loop ??= loop;
        if (!ReferenceEquals(loop, _loop)) throw new InvalidOperationException($"{owner} is bound to a different event loop");
        return loop;
    }

    // Refuses a call from another thread while the bound loop runs, before anything changes.
    public readonly void CheckThread() => _loop?.CheckThread();
}

// A primitive's waiters' futures, by the ids its core state names them with: the shell side of the
// WaiterQueue. One per line of waiters (a queue has two).
internal sealed class SyncWaiters(Action<long> withdrawn)
{
    private readonly Dictionary<long, SyncWaiter> _byId = [];

    // The future waiter `id` awaits; cancelling it reports the waiter withdrawn.
    public SyncWaiter Add(Loop loop, long id)
    {
        var waiter = new SyncWaiter(loop, id, withdrawn);
        _byId[id] = waiter;
        return waiter;
    }

    public void Remove(long id) => _byId.Remove(id);

    public void Wake(long id) => _byId[id].Wake();

    public void Wake(Microsoft.FSharp.Core.FSharpValueOption<long> id)
    {
        if (id.IsSome) Wake(id.Value);
    }

    public void Wake(IEnumerable<long> ids)
    {
        foreach (var id in ids) Wake(id);
    }
}
