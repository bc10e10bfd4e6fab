namespace Aio.Programs;

/// <summary>
/// Runs a generated program on a new virtual-clock <see cref="Loop"/> with the real library and
/// returns what happened (<see cref="ProgramTrace"/>). Nothing escapes: the root's own exception, a
/// harness bug, and a run that never finishes all end up in the trace.
/// </summary>
public static class ProgramRunner
{
    /// <summary>
    /// Numbers the nodes in pre-order (a node, then its children in order, then its body) and says which
    /// task runs each: the root, the children of gather / wait / TaskGroup, the shielded child and a
    /// wait_for's child with AsTask get a task of their own; bodies and a coroutine wait_for's child
    /// run inline in their parent's task.
    /// </summary>
    public static IReadOnlyList<NodeInfo> Number(Node root)
    {
        ArgumentNullException.ThrowIfNull(root);
        var nodes = new List<NodeInfo>();
        Visit(root, -1, -1, 0, nodes);
        return nodes;
    }

    private static int Visit(Node node, int parentId, int parentTask, int depth, List<NodeInfo> nodes)
    {
        var id = nodes.Count;
        // A node runs in its own task unless its parent runs it inline; parentTask < 0 means "own task".
        var isTaskRoot = parentTask < 0;
        var taskRoot = isTaskRoot ? id : parentTask;
        nodes.Add(null!); // reserve the slot: pre-order ids
        var children = new List<int>();
        var body = -1;
        switch (node)
        {
            case GatherNode g:
                foreach (var c in g.Children) children.Add(Visit(c, id, -1, depth + 1, nodes));
                break;
            case WaitNode w:
                foreach (var c in w.Children) children.Add(Visit(c, id, -1, depth + 1, nodes));
                break;
            case WaitForNode f:
                children.Add(Visit(f.Child, id, f.AsTask ? -1 : taskRoot, depth + 1, nodes));
                break;
            case TimeoutNode t:
                body = Visit(t.Body, id, taskRoot, depth + 1, nodes);
                break;
            case ShieldNode s:
                children.Add(Visit(s.Child, id, -1, depth + 1, nodes));
                break;
            case GroupNode gr:
                foreach (var c in gr.Children) children.Add(Visit(c, id, -1, depth + 1, nodes));
                body = Visit(gr.Body, id, taskRoot, depth + 1, nodes);
                break;
            case Leaf:
                break;
            default:
                throw new ArgumentException($"unknown node {node}", nameof(node));
        }
        nodes[id] = new NodeInfo(id, parentId, node, taskRoot, isTaskRoot, depth, [.. children], body);
        return id;
    }

    /// <summary>
    /// Runs <paramref name="root"/> as a task on <c>new Loop(LoopClock.Virtual)</c>, with every
    /// <paramref name="cancels"/> request armed by <c>loop.CallAt</c>; after the root finishes, lets every
    /// task still pending finish too (nothing in the language waits for ever), then closes the loop.
    /// </summary>
    public static ProgramTrace Run(Node root, IReadOnlyList<CancelAt> cancels)
    {
        ArgumentNullException.ThrowIfNull(root);
        ArgumentNullException.ThrowIfNull(cancels);
        return new Interpreter(root, cancels).Go();
    }
}

// One run. Everything here runs on the test's thread, inside the loop's callbacks and task steps.
internal sealed class Interpreter
{
    // Far beyond any program's own time (delays are small and bounded): if the loop gets here, something
    // waits for ever. With the virtual clock an idle loop jumps straight to it instead of blocking.
    private const double Watchdog = 1000;

    private readonly Node _root;
    private readonly IReadOnlyList<CancelAt> _cancels;
    private readonly Loop _loop = new(LoopClock.Virtual);
    private readonly IReadOnlyList<NodeInfo> _nodes;
    private readonly NodeRecord[] _records;
    private readonly List<CancelEvent> _events = [];
    private readonly List<string> _handler = [];
    private long _seq;
    private bool _hung;

    public Interpreter(Node root, IReadOnlyList<CancelAt> cancels)
    {
        _root = root;
        _cancels = cancels;
        _nodes = ProgramRunner.Number(root);
        _records = _nodes.Select(NewRecord).ToArray();
    }

    private static NodeRecord NewRecord(NodeInfo info) => info.Node switch
    {
        Leaf => new LeafRecord(info),
        GatherNode => new GatherRecord(info),
        WaitNode => new WaitRecord(info),
        WaitForNode => new WaitForRecord(info),
        TimeoutNode => new TimeoutRecord(info),
        ShieldNode => new ShieldRecord(info),
        GroupNode => new GroupRecord(info),
        _ => new NodeRecord(info),
    };

    private long Next() => ++_seq;

    private double Now => _loop.Time();

    public ProgramTrace Go()
    {
        var error = "";
        // The handler records; the default one would print every exception of a callback.
        _loop.SetExceptionHandler((_, context) =>
            _handler.Add(context.Message + (context.Exception is { } e ? ": " + ProgramTrace.Describe(e) : "")));
        try
        {
            for (var i = 0; i < _cancels.Count; i++)
            {
                var ev = new CancelEvent(i, _cancels[i]);
                _events.Add(ev);
                _loop.CallAt(_cancels[i].Time, () => Fire(ev));
            }
            _loop.CallAt(Watchdog, () =>
            {
                _hung = true;
                _loop.Stop();
            });
            var rootTask = CreateTask(_nodes[0]);
            try
            {
                _loop.RunUntilComplete(rootTask);
            }
            catch (Exception)
            {
                // The root's own exception (its record has it), or "stopped before Future completed".
            }
            if (!rootTask.Done) _hung = true;
            Drain();
            Flush();
            foreach (var r in _records) ReadTask(r);
            foreach (var g in _records.OfType<GroupRecord>())
                foreach (var t in g.LateTasks)
                    if (t.Done && !t.Cancelled) _ = t.Exception(); // retrieved: no "never retrieved" report later
        }
        catch (Exception e)
        {
            error = e.ToString();
        }
        var end = Now;
        try
        {
            if (!_loop.IsRunning) _loop.Close();
        }
        catch (Exception e)
        {
            error += e.ToString();
        }
        return new ProgramTrace(_root, _cancels, _nodes, _records, _events, _hung, _handler, error, end);
    }

    // Lets the tasks the root left behind (gather's siblings after a failure, wait's pending inputs,
    // shielded inners) finish on their own, round after round, since finishing ones may create more.
    private void Drain()
    {
        for (var round = 0; round < 100 && !_hung; round++)
        {
            var live = Asyncio.AllTasks(_loop);
            if (live.Count == 0) return;
            var all = _loop.CreateFuture<int>();
            var remaining = live.Count;
            foreach (var t in live)
                t.AsFuture.AddDoneCallback(_ =>
                {
                    if (--remaining == 0 && !all.Done) all.SetResult(0);
                });
            try
            {
                _loop.RunUntilComplete(all);
            }
            catch (InvalidOperationException)
            {
                // Stopped by the watchdog.
            }
            if (!all.Done) _hung = true;
        }
    }

    // A few single iterations, so that the done callbacks of the last tasks to finish run too (they
    // record when each task was seen done). Stop() before RunForever() runs exactly one iteration and
    // does not advance the clock, so no later timer fires here.
    private void Flush()
    {
        if (_hung) return;
        for (var i = 0; i < 3; i++)
        {
            _loop.Stop();
            _loop.RunForever();
        }
    }

    private void ReadTask(NodeRecord r)
    {
        if (!r.Info.IsTaskRoot) return;
        if (r.OwnTask is not { } t)
        {
            r.TaskEnd = TaskEnd.NotCreated;
            return;
        }
        r.TaskCancelling = t.Cancelling();
        if (!t.Done)
        {
            r.TaskEnd = TaskEnd.Pending;
        }
        else if (t.Cancelled)
        {
            r.TaskEnd = TaskEnd.Cancelled;
        }
        else if (t.Exception() is { } e)
        {
            r.TaskEnd = TaskEnd.Failed;
            r.TaskError = e;
        }
        else
        {
            r.TaskEnd = TaskEnd.Succeeded;
            r.TaskValue = t.Result();
        }
    }

    // ---- tasks ---------------------------------------------------------------------------------------

    private LoopTask<int> CreateTask(NodeInfo info) => Register(info, _loop.CreateTask(Exec(info)));

    // Called right after the task is created, so its done callback comes after any the creator
    // (a TaskGroup) registered itself.
    private LoopTask<int> Register(NodeInfo info, LoopTask<int> task)
    {
        var r = _records[info.Id];
        r.OwnTask = task;
        r.CreatedSeq = Next();
        r.CreatedTime = Now;
        task.AddDoneCallback(_ =>
        {
            r.DoneSeq = Next();
            r.DoneTime = Now;
        });
        return task;
    }

    private int CurrentCancelling() => Asyncio.CurrentTask()?.Cancelling() ?? -1;

    // ---- the interpreter -----------------------------------------------------------------------------

    // Every node: record the start, run the kind, record how it ended (the very exception, rethrown).
    private async Coroutine<int> Exec(NodeInfo info)
    {
        var r = _records[info.Id];
        r.Started = true;
        r.StartSeq = Next();
        r.StartTime = Now;
        r.CancellingAtStart = CurrentCancelling();
        r.Outcome = NodeOutcome.Running;
        try
        {
            int value;
            switch (info.Node)
            {
                case Leaf leaf:
                    value = await RunLeaf(info, leaf, (LeafRecord)r);
                    break;
                case GatherNode gather:
                    value = await RunGather(info, gather, (GatherRecord)r);
                    break;
                case WaitNode wait:
                    value = await RunWait(info, wait, (WaitRecord)r);
                    break;
                case WaitForNode waitFor:
                    value = await RunWaitFor(info, waitFor, (WaitForRecord)r);
                    break;
                case TimeoutNode timeout:
                    value = await RunTimeout(info, timeout, (TimeoutRecord)r);
                    break;
                case ShieldNode:
                    value = await RunShield(info, (ShieldRecord)r);
                    break;
                case GroupNode:
                    value = await RunGroup(info, (GroupRecord)r);
                    break;
                default:
                    throw new InvalidOperationException($"unknown node {info.Node}");
            }
            End(r, NodeOutcome.Returned, value, null);
            return value;
        }
        catch (Exception e)
        {
            End(r, e is CancelledException ? NodeOutcome.Cancelled : NodeOutcome.Raised, 0, e);
            if (e is not CancelledException) NoteGroupChildFailing(info);
            throw;
        }
    }

    private void End(NodeRecord r, NodeOutcome outcome, int value, Exception? error)
    {
        r.Ended = true;
        r.EndSeq = Next();
        r.EndTime = Now;
        r.CancellingAtEnd = CurrentCancelling();
        r.Outcome = outcome;
        r.Value = value;
        r.Error = error;
    }

    // A TaskGroup child's coroutine is about to end with a failure: remember every child's cancel count
    // now, before the group's done callback (which runs in a later iteration) cancels the others.
    private void NoteGroupChildFailing(NodeInfo info)
    {
        if (!info.IsTaskRoot || info.ParentId < 0 || _records[info.ParentId] is not GroupRecord g) return;
        var counts = new Dictionary<int, int>();
        foreach (var c in _nodes[info.ParentId].ChildIds)
            counts[c] = _records[c].OwnTask?.Cancelling() ?? 0;
        g.CancellingAtChildFailure[info.Id] = counts;
    }

    private async Coroutine<int> RunLeaf(NodeInfo info, Leaf leaf, LeafRecord r)
    {
        for (var i = 0; i < leaf.Steps; i++)
        {
            try
            {
                await Asyncio.Sleep(leaf.Sleep);
            }
            catch (CancelledException cancelled) when (leaf.End is LeafEnd.SwallowCancel or LeafEnd.RaiseOnCancel)
            {
                if (leaf.End == LeafEnd.SwallowCancel)
                {
                    // Swallowed without uncancel(), as careless code does: the request stays counted.
                    r.SwallowedCancel = true;
                    return leaf.Value;
                }
                r.ConvertedCancel = true;
                throw new LeafFailure(info.Id, cancelled);
            }
            r.StepsDone = i + 1;
        }
        if (leaf.End == LeafEnd.Raise) throw new LeafFailure(info.Id);
        return leaf.Value;
    }

    private async Coroutine<int> RunGather(NodeInfo info, GatherNode node, GatherRecord r)
    {
        var tasks = info.ChildIds.Select(c => CreateTask(_nodes[c])).ToList();
        var argumentIds = info.ChildIds.ToList();
        var arguments = new List<LoopTask<int>>(tasks);
        if (node.RepeatFirst && tasks.Count > 0)
        {
            arguments.Add(tasks[0]);
            argumentIds.Add(info.ChildIds[0]);
        }
        r.ArgumentIds = argumentIds;
        // Both entry points: the typed one (int[]) and the object one (needed for return_exceptions).
        r.Typed = !node.ReturnExceptions && info.Id % 2 == 0;
        object?[] entries;
        if (r.Typed)
        {
            var typed = Asyncio.Gather<int>(arguments.Select(t => (Future<int>)t).ToArray());
            r.Future = typed;
            var ints = await typed;
            entries = ints.Select(i => (object?)i).ToArray();
        }
        else
        {
            var untyped = Asyncio.Gather(arguments.Cast<object>(), node.ReturnExceptions);
            r.Future = untyped;
            entries = await untyped;
        }
        r.Entries = entries;
        r.HasEntries = true;
        return entries.Sum(e => e is int i ? i : 0);
    }

    private async Coroutine<int> RunWait(NodeInfo info, WaitNode node, WaitRecord r)
    {
        var tasks = info.ChildIds.Select(c => CreateTask(_nodes[c])).ToList();
        r.InputIds = info.ChildIds;
        var (done, pending) = await Asyncio.Wait(tasks, node.Timeout, node.ReturnWhen);
        // Read in the step wait returned in, before anything else can run.
        int IdOf(LoopTask<int> f)
        {
            for (var k = 0; k < tasks.Count; k++)
                if (ReferenceEquals(tasks[k], f)) return info.ChildIds[k];
            return -1;
        }
        r.DoneAtReturn = tasks.Select(t => t.Done).ToList();
        r.DoneIds = done.Select(IdOf).ToList();
        r.PendingIds = pending.Select(IdOf).ToList();
        r.Returned = true;
        return done.Count;
    }

    private async Coroutine<int> RunWaitFor(NodeInfo info, WaitForNode node, WaitForRecord r)
    {
        r.Deadline = Now + node.Timeout;
        var child = _nodes[info.ChildIds[0]];
        if (!node.AsTask) return await Asyncio.WaitFor(Exec(child), node.Timeout);
        var task = CreateTask(child);
        try
        {
            return await Asyncio.WaitFor<int>(task, node.Timeout);
        }
        finally
        {
            r.InnerDoneAtExit = task.Done;
        }
    }

    private async Coroutine<int> RunTimeout(NodeInfo info, TimeoutNode node, TimeoutRecord r)
    {
        var scope = Asyncio.Timeout(node.Delay);
        r.Scope = scope;
        r.When = scope.When;
        // The enclosing timeout() blocks of this task: the same-task ancestors that are timeouts.
        var enclosing = new List<TimeoutRecord>();
        for (var n = info; !n.IsTaskRoot;)
        {
            n = _nodes[n.ParentId];
            if (_records[n.Id] is TimeoutRecord { Scope: not null } outer) enclosing.Add(outer);
        }
        var expiredAtEntry = enclosing.Select(e => e.Scope!.Expired).ToArray();
        var task = Asyncio.CurrentTask()!;
        r.CancellingAtEntry = task.Cancelling();
        try
        {
            return await scope.Run(() => Exec(_nodes[info.BodyId]));
        }
        finally
        {
            // Same step as the scope's exit: nothing else ran in between.
            r.CancellingAtExit = task.Cancelling();
            r.ExpiredAtExit = scope.Expired;
            r.Enclosing = enclosing.Select((e, k) => new EnclosingScope(e.Id, expiredAtEntry[k], e.Scope!.Expired)).ToList();
        }
    }

    private async Coroutine<int> RunShield(NodeInfo info, ShieldRecord r)
    {
        var inner = CreateTask(_nodes[info.ChildIds[0]]);
        var outer = Asyncio.Shield<int>(inner);
        r.Outer = outer;
        try
        {
            return await outer;
        }
        finally
        {
            r.InnerDoneAtExit = inner.Done;
            r.OuterCancelledAtExit = outer.Cancelled;
        }
    }

    private async Coroutine<int> RunGroup(NodeInfo info, GroupRecord r)
    {
        var group = new TaskGroup();
        r.Group = group;
        var parent = Asyncio.CurrentTask()!;
        r.ParentCancellingAtEntry = parent.Cancelling();
        try
        {
            return await group.Run(() => GroupBody(info, r, group));
        }
        catch (ExceptionGroup eg)
        {
            // Only the group itself raises an ExceptionGroup out of Run: the body's own is wrapped.
            r.RaisedExceptionGroup = true;
            r.GroupInner = eg.InnerExceptions.ToList();
            throw;
        }
        finally
        {
            // Same step as the group's exit.
            r.ParentCancellingAtExit = parent.Cancelling();
            r.ChildDoneAtExit = info.ChildIds.Select(c => _records[c].OwnTask?.Done ?? false).ToList();
            r.LateDoneAtExit = r.LateTasks.Select(t => t.Done).ToList();
        }
    }

    private async Coroutine<int> GroupBody(NodeInfo info, GroupRecord r, TaskGroup group)
    {
        foreach (var c in info.ChildIds)
        {
            var child = _nodes[c];
            var task = Register(child, group.CreateTask(Exec(child)));
            // After the group's own done callback (registered inside CreateTask): this one sees the
            // group right after it handled the child.
            task.AddDoneCallback(f => OnGroupChildDone(info, r, c, f));
        }
        try
        {
            return await Exec(_nodes[info.BodyId]);
        }
        finally
        {
            // The body ended (returned, raised, or was cancelled by the group's abort): try to add a child.
            TryCreate(r, "at the body's end");
        }
    }

    private void OnGroupChildDone(NodeInfo info, GroupRecord r, int childId, Future f)
    {
        var seq = Next();
        if (f.Cancelled || f.Exception() is not { } error) return;
        r._failures.Add(new GroupFailure(childId, seq, error));
        if (r.FirstFailureSeq >= 0) return;
        r.FirstFailureSeq = seq;
        r.FirstFailureTime = Now;
        r.FirstFailureChild = childId;
        r.CancellingAtChildFailure.TryGetValue(childId, out var before);
        r.SiblingsAtFirstFailure = info.ChildIds
            .Where(c => c != childId)
            .Select(c =>
            {
                var t = _records[c].OwnTask;
                var earlier = before is not null && before.TryGetValue(c, out var n) ? n : -1;
                return new SiblingAtFailure(c, t?.Done ?? false, earlier, t?.Cancelling() ?? -1);
            })
            .ToList();
        // The group has just handled its first failure (its callback ran right before this one): it
        // must refuse new children from now on.
        TryCreate(r, "right after the first failure");
    }

    private void TryCreate(GroupRecord r, string where)
    {
        var seq = Next();
        var afterFailure = r.FirstFailureSeq >= 0;
        try
        {
            var task = r.Group!.CreateTask(Extra());
            r.LateTasks.Add(task);
            r._attempts.Add(new CreateAttempt(seq, where, afterFailure, true, ""));
        }
        catch (InvalidOperationException refused)
        {
            r._attempts.Add(new CreateAttempt(seq, where, afterFailure, false, refused.Message));
        }
    }

    // An extra child the group may accept: it does nothing much and never fails.
    private static async Coroutine<int> Extra()
    {
        await Asyncio.Sleep(0);
        return -1;
    }

    // ---- external cancels ----------------------------------------------------------------------------

    private void Fire(CancelEvent ev)
    {
        ev.Seq = Next();
        ev.FiredAt = Now;
        var id = ev.Request.NodeId;
        var message = $"ext{ev.Index}";
        if (id < 0 || id >= _nodes.Count)
        {
            Skip(ev, "no such node");
            return;
        }
        var info = _nodes[id];
        var r = _records[id];
        if (ev.Request.Own && r is GatherRecord { Future: { } gathering } g)
        {
            ev.Kind = CancelKind.GatherFuture;
            ev.FuturePendingBefore = !gathering.Done;
            var children = g.ArgumentIds.Distinct().Select(c => (Id: c, Task: _records[c].OwnTask)).ToList();
            var before = children.Select(c => (Done: c.Task?.Done ?? true, Cancelling: c.Task?.Cancelling() ?? 0)).ToList();
            ev.Accepted = gathering.Cancel(message);
            ev.Children = children
                .Select((c, k) => new ChildCancelSnapshot(c.Id, before[k].Done, before[k].Cancelling, c.Task?.Cancelling() ?? 0))
                .ToList();
            return;
        }
        if (ev.Request.Own && r is ShieldRecord { Outer: { } outer })
        {
            ev.Kind = CancelKind.ShieldFuture;
            ev.FuturePendingBefore = !outer.Done;
            ev.Accepted = outer.Cancel(message);
            return;
        }
        // The task the node runs in: its own, or (while it runs) the one it runs inline in.
        LoopTask<int>? task;
        if (info.IsTaskRoot)
        {
            task = r.OwnTask;
            if (task is null)
            {
                Skip(ev, "its task does not exist yet");
                return;
            }
        }
        else
        {
            if (!r.Started || r.Ended)
            {
                Skip(ev, r.Ended ? "the node already ended" : "the node has not started");
                return;
            }
            task = _records[info.TaskRootId].OwnTask;
            if (task is null)
            {
                Skip(ev, "the node's task does not exist");
                return;
            }
        }
        ev.Kind = CancelKind.Task;
        ev.CancelledTaskNodeId = info.TaskRootId;
        ev.Accepted = task.Cancel(message);
    }

    private static void Skip(CancelEvent ev, string reason)
    {
        ev.Kind = CancelKind.Skipped;
        ev.SkipReason = reason;
    }
}
