using System.Globalization;
using System.Text;

namespace Aio.Programs;

// What one run of a program recorded. Times are loop times (virtual clock); every observation also
// takes the next number of one global sequence, so "before/after" is exact even within one instant.
// The records are filled while the program runs (hence internal setters) and read afterwards.

/// <summary>How a node's coroutine ended, as the interpreter saw it (inline, at the node's own await).</summary>
public enum NodeOutcome
{
    /// <summary>Its coroutine never started (a task cancelled before its first step, a coroutine wait_for(…, 0) never runs).</summary>
    NotStarted,

    /// <summary>Started and never ended (the run stopped first).</summary>
    Running,

    /// <summary>Returned <see cref="NodeRecord.Value"/>.</summary>
    Returned,

    /// <summary>Raised <see cref="NodeRecord.Error"/>, not a cancellation.</summary>
    Raised,

    /// <summary>Raised a <see cref="CancelledException"/>.</summary>
    Cancelled,
}

/// <summary>How a node's own task ended, read after the run.</summary>
public enum TaskEnd
{
    /// <summary>The node runs inline in another node's task.</summary>
    NotATask,

    /// <summary>The node should have had a task but none was created.</summary>
    NotCreated,

    /// <summary>Still pending after the run.</summary>
    Pending,

    /// <summary>Finished with a result.</summary>
    Succeeded,

    /// <summary>Finished with an exception.</summary>
    Failed,

    /// <summary>Cancelled.</summary>
    Cancelled,
}

/// <summary>What a cancel request turned into when its time came.</summary>
public enum CancelKind
{
    /// <summary>Its time never came (the run ended first).</summary>
    NotFired,

    /// <summary>Nothing to cancel (see <see cref="CancelEvent.SkipReason"/>).</summary>
    Skipped,

    /// <summary><c>task.cancel()</c> on <see cref="CancelEvent.CancelledTaskNodeId"/>'s task.</summary>
    Task,

    /// <summary><c>gather_future.cancel()</c>.</summary>
    GatherFuture,

    /// <summary><c>shield_outer_future.cancel()</c>.</summary>
    ShieldFuture,
}

/// <summary>A child's cancel count just before and after a <c>gather.cancel()</c>.</summary>
public sealed record ChildCancelSnapshot(int ChildId, bool DoneBefore, int CancellingBefore, int CancellingAfter);

/// <summary>What happened to one <see cref="CancelAt"/>.</summary>
public sealed class CancelEvent
{
    internal CancelEvent(int index, CancelAt request)
    {
        Index = index;
        Request = request;
    }

    /// <summary>Position in the program's cancel list; the message is <c>ext{Index}</c>.</summary>
    public int Index { get; }

    /// <summary>The request.</summary>
    public CancelAt Request { get; }

    /// <summary>What it did.</summary>
    public CancelKind Kind { get; internal set; } = CancelKind.NotFired;

    /// <summary>Sequence number when it fired (-1 if it never did).</summary>
    public long Seq { get; internal set; } = -1;

    /// <summary>Loop time when it fired.</summary>
    public double FiredAt { get; internal set; }

    /// <summary>For <see cref="CancelKind.Task"/>: the task root node whose task was cancelled.</summary>
    public int CancelledTaskNodeId { get; internal set; } = -1;

    /// <summary>What <c>cancel()</c> returned.</summary>
    public bool Accepted { get; internal set; }

    /// <summary>For the future kinds: the future was pending just before.</summary>
    public bool FuturePendingBefore { get; internal set; }

    /// <summary>For <see cref="CancelKind.GatherFuture"/>: every distinct child, before and after.</summary>
    public IReadOnlyList<ChildCancelSnapshot> Children { get; internal set; } = [];

    /// <summary>For <see cref="CancelKind.Skipped"/>: why.</summary>
    public string SkipReason { get; internal set; } = "";

    /// <inheritdoc />
    public override string ToString()
    {
        var head = $"ext{Index} {Request}";
        return Kind switch
        {
            CancelKind.NotFired => head + ": never fired",
            CancelKind.Skipped => $"{head}: fired at {ProgramTrace.T(FiredAt)}@{Seq}, skipped ({SkipReason})",
            CancelKind.Task => $"{head}: fired at {ProgramTrace.T(FiredAt)}@{Seq}, task of #{CancelledTaskNodeId}.cancel() -> {Accepted}",
            CancelKind.GatherFuture => $"{head}: fired at {ProgramTrace.T(FiredAt)}@{Seq}, gather.cancel() (pending {FuturePendingBefore}) -> {Accepted}; children "
                + string.Join(", ", Children.Select(c => $"#{c.ChildId}{(c.DoneBefore ? " done" : "")} {c.CancellingBefore}->{c.CancellingAfter}")),
            _ => $"{head}: fired at {ProgramTrace.T(FiredAt)}@{Seq}, shield outer.cancel() (pending {FuturePendingBefore}) -> {Accepted}",
        };
    }
}

/// <summary>One node's observations. Kind-specific ones are in the subclasses.</summary>
public class NodeRecord
{
    internal NodeRecord(NodeInfo info) => Info = info;

    /// <summary>Where the node sits.</summary>
    public NodeInfo Info { get; }

    /// <summary>The node's id.</summary>
    public int Id => Info.Id;

    /// <summary>Its coroutine started.</summary>
    public bool Started { get; internal set; }

    /// <summary>Sequence number at start (-1 if never).</summary>
    public long StartSeq { get; internal set; } = -1;

    /// <summary>Loop time at start.</summary>
    public double StartTime { get; internal set; }

    /// <summary><c>cancelling()</c> of the task running the node, at start.</summary>
    public int CancellingAtStart { get; internal set; }

    /// <summary>Its coroutine ended (returned or raised).</summary>
    public bool Ended { get; internal set; }

    /// <summary>Sequence number at the end (-1 if never).</summary>
    public long EndSeq { get; internal set; } = -1;

    /// <summary>Loop time at the end.</summary>
    public double EndTime { get; internal set; }

    /// <summary><c>cancelling()</c> of the task running the node, at the end.</summary>
    public int CancellingAtEnd { get; internal set; }

    /// <summary>How the coroutine ended.</summary>
    public NodeOutcome Outcome { get; internal set; } = NodeOutcome.NotStarted;

    /// <summary>The value returned (<see cref="NodeOutcome.Returned"/>).</summary>
    public int Value { get; internal set; }

    /// <summary>The exception raised (<see cref="NodeOutcome.Raised"/> or <see cref="NodeOutcome.Cancelled"/>), the very object.</summary>
    public Exception? Error { get; internal set; }

    // ---- task roots --------------------------------------------------------------------------------

    internal LoopTask<int>? OwnTask;

    /// <summary>Sequence number when the interpreter created the node's task (-1: none).</summary>
    public long CreatedSeq { get; internal set; } = -1;

    /// <summary>Loop time when the task was created.</summary>
    public double CreatedTime { get; internal set; }

    /// <summary>Sequence number when the task's done callback ran (-1: never seen).</summary>
    public long DoneSeq { get; internal set; } = -1;

    /// <summary>Loop time when the done callback ran.</summary>
    public double DoneTime { get; internal set; }

    /// <summary>How the node's own task ended.</summary>
    public TaskEnd TaskEnd { get; internal set; } = TaskEnd.NotATask;

    /// <summary>The task's result (<see cref="TaskEnd.Succeeded"/>).</summary>
    public int TaskValue { get; internal set; }

    /// <summary>The task's exception (<see cref="TaskEnd.Failed"/>).</summary>
    public Exception? TaskError { get; internal set; }

    /// <summary>The task's <c>cancelling()</c> after the run.</summary>
    public int TaskCancelling { get; internal set; }

    /// <summary>Kind-specific observations, for the trace dump.</summary>
    protected virtual string Details => "";

    internal string Describe()
    {
        var b = new StringBuilder();
        b.Append(CultureInfo.InvariantCulture, $"#{Id} {Head()}");
        b.Append(Info.IsTaskRoot ? " [own task]" : $" [in task #{Info.TaskRootId}]");
        if (Started)
        {
            b.Append(CultureInfo.InvariantCulture, $" {ProgramTrace.T(StartTime)}@{StartSeq}");
            if (Ended) b.Append(CultureInfo.InvariantCulture, $" -> {ProgramTrace.T(EndTime)}@{EndSeq}");
            b.Append(CultureInfo.InvariantCulture, $" {Outcome}");
            if (Outcome == NodeOutcome.Returned) b.Append(CultureInfo.InvariantCulture, $" {Value}");
            if (Error is not null) b.Append(' ').Append(ProgramTrace.Describe(Error));
            b.Append(CultureInfo.InvariantCulture, $" cancelling {CancellingAtStart}->{(Ended ? CancellingAtEnd.ToString(CultureInfo.InvariantCulture) : "?")}");
        }
        else
        {
            b.Append(" never started");
        }
        if (Info.IsTaskRoot)
        {
            b.Append(CultureInfo.InvariantCulture, $" | task created@{CreatedSeq} done@{DoneSeq} {TaskEnd}");
            if (TaskEnd == TaskEnd.Succeeded) b.Append(CultureInfo.InvariantCulture, $" {TaskValue}");
            if (TaskError is not null) b.Append(' ').Append(ProgramTrace.Describe(TaskError));
            b.Append(CultureInfo.InvariantCulture, $" cancelling()={TaskCancelling}");
        }
        var details = Details;
        if (details.Length > 0) b.Append(" | ").Append(details);
        return b.ToString();
    }

    // The node without its children (they have lines of their own).
    private string Head() => Info.Node switch
    {
        Leaf l => l.ToString(),
        GatherNode g => $"Gather{(g.ReturnExceptions ? "[return_exceptions]" : "")}{(g.RepeatFirst ? "[repeat first]" : "")}",
        WaitNode w => $"Wait[{w.ReturnWhen}, timeout={Node.D(w.Timeout)}]",
        WaitForNode f => $"WaitFor[{(f.AsTask ? "task" : "coroutine")}, timeout={Node.D(f.Timeout)}]",
        TimeoutNode t => $"Timeout[{Node.D(t.Delay)}]",
        ShieldNode => "Shield",
        GroupNode => "Group",
        _ => Info.Node.GetType().Name,
    };
}

/// <summary>A leaf's observations.</summary>
public sealed class LeafRecord : NodeRecord
{
    internal LeafRecord(NodeInfo info) : base(info) { }

    /// <summary>The leaf.</summary>
    public Leaf Spec => (Leaf)Info.Node;

    /// <summary>Sleeps completed.</summary>
    public int StepsDone { get; internal set; }

    /// <summary>It swallowed a cancellation (<see cref="LeafEnd.SwallowCancel"/>).</summary>
    public bool SwallowedCancel { get; internal set; }

    /// <summary>It turned a cancellation into a failure (<see cref="LeafEnd.RaiseOnCancel"/>).</summary>
    public bool ConvertedCancel { get; internal set; }

    /// <inheritdoc />
    protected override string Details =>
        $"slept {StepsDone}{(SwallowedCancel ? ", swallowed a cancel" : "")}{(ConvertedCancel ? ", turned a cancel into a failure" : "")}";
}

/// <summary>A gather's observations.</summary>
public sealed class GatherRecord : NodeRecord
{
    internal GatherRecord(NodeInfo info) : base(info) { }

    /// <summary>The gather.</summary>
    public GatherNode Spec => (GatherNode)Info.Node;

    /// <summary>The child behind each argument, in argument order (the first child twice with RepeatFirst).</summary>
    public IReadOnlyList<int> ArgumentIds { get; internal set; } = [];

    /// <summary>The typed overload <c>Gather&lt;int&gt;(Future&lt;int&gt;[])</c> was used (else the object one).</summary>
    public bool Typed { get; internal set; }

    /// <summary>The gather returned (then <see cref="Entries"/> holds its result list).</summary>
    public bool HasEntries { get; internal set; }

    /// <summary>The result list, one entry per argument (ints; exceptions with return_exceptions).</summary>
    public IReadOnlyList<object?> Entries { get; internal set; } = [];

    internal Future? Future;

    /// <inheritdoc />
    protected override string Details =>
        $"{(Typed ? "typed, " : "")}arguments [{string.Join(", ", ArgumentIds.Select(i => "#" + i))}]"
        + (HasEntries ? $", result [{string.Join(", ", Entries.Select(ProgramTrace.DescribeEntry))}]" : "");
}

/// <summary>A wait's observations, taken in the step where <c>wait</c> returned.</summary>
public sealed class WaitRecord : NodeRecord
{
    internal WaitRecord(NodeInfo info) : base(info) { }

    /// <summary>The wait.</summary>
    public WaitNode Spec => (WaitNode)Info.Node;

    /// <summary>The inputs (child task roots), in order.</summary>
    public IReadOnlyList<int> InputIds { get; internal set; } = [];

    /// <summary><c>wait</c> returned (else it raised <see cref="NodeRecord.Error"/>).</summary>
    public bool Returned { get; internal set; }

    /// <summary>The done set, as child ids (-1 for a future that is not an input).</summary>
    public IReadOnlyList<int> DoneIds { get; internal set; } = [];

    /// <summary>The pending set, as child ids (-1 for a future that is not an input).</summary>
    public IReadOnlyList<int> PendingIds { get; internal set; } = [];

    /// <summary>Each input's <c>done()</c> when wait returned, in input order.</summary>
    public IReadOnlyList<bool> DoneAtReturn { get; internal set; } = [];

    /// <inheritdoc />
    protected override string Details =>
        Returned
            ? $"done {{{string.Join(", ", DoneIds.Select(i => "#" + i))}}} pending {{{string.Join(", ", PendingIds.Select(i => "#" + i))}}} done() at return [{string.Join(", ", DoneAtReturn)}]"
            : "raised";
}

/// <summary>A wait_for's observations.</summary>
public sealed class WaitForRecord : NodeRecord
{
    internal WaitForRecord(NodeInfo info) : base(info) { }

    /// <summary>The wait_for.</summary>
    public WaitForNode Spec => (WaitForNode)Info.Node;

    /// <summary>The child (the awaitable).</summary>
    public int ChildId => Info.ChildIds[0];

    /// <summary>The timeout.</summary>
    public double Timeout => Spec.Timeout;

    /// <summary>Start time plus the timeout: the loop time at which its deadline passes.</summary>
    public double Deadline { get; internal set; }

    /// <summary>For a task child: <c>done()</c> of that task when wait_for exited (true for a coroutine child).</summary>
    public bool InnerDoneAtExit { get; internal set; } = true;

    /// <inheritdoc />
    protected override string Details => $"deadline {ProgramTrace.T(Deadline)}, awaitable done at exit {InnerDoneAtExit}";
}

/// <summary>An enclosing timeout() of the same task, seen from an inner one.</summary>
public sealed record EnclosingScope(int TimeoutId, bool ExpiredAtEntry, bool ExpiredAtExit);

/// <summary>A timeout block's observations.</summary>
public sealed class TimeoutRecord : NodeRecord
{
    internal TimeoutRecord(NodeInfo info) : base(info) { }

    /// <summary>The timeout.</summary>
    public TimeoutNode Spec => (TimeoutNode)Info.Node;

    /// <summary>The body's id.</summary>
    public int BodyId => Info.BodyId;

    /// <summary>The absolute deadline (<c>when()</c>), null for none.</summary>
    public double? When { get; internal set; }

    /// <summary>The task's <c>cancelling()</c> just before entering the block.</summary>
    public int CancellingAtEntry { get; internal set; }

    /// <summary>The task's <c>cancelling()</c> just after the block.</summary>
    public int CancellingAtExit { get; internal set; }

    /// <summary><c>expired()</c> just after the block.</summary>
    public bool ExpiredAtExit { get; internal set; }

    /// <summary>The enclosing timeout() blocks of the same task, innermost first, with their <c>expired()</c> at this block's entry and exit.</summary>
    public IReadOnlyList<EnclosingScope> Enclosing { get; internal set; } = [];

    internal TimeoutScope? Scope;

    /// <inheritdoc />
    protected override string Details =>
        $"when {Node.D(When)}, cancelling {CancellingAtEntry}->{CancellingAtExit}, expired {ExpiredAtExit}"
        + (Enclosing.Count > 0 ? ", enclosing " + string.Join(", ", Enclosing.Select(e => $"#{e.TimeoutId} expired {e.ExpiredAtEntry}->{e.ExpiredAtExit}")) : "");
}

/// <summary>A shield's observations.</summary>
public sealed class ShieldRecord : NodeRecord
{
    internal ShieldRecord(NodeInfo info) : base(info) { }

    /// <summary>The shield.</summary>
    public ShieldNode Spec => (ShieldNode)Info.Node;

    /// <summary>The inner task's node.</summary>
    public int InnerId => Info.ChildIds[0];

    /// <summary>The inner task was done when the await of the shield ended.</summary>
    public bool InnerDoneAtExit { get; internal set; }

    /// <summary>The outer future was cancelled when the await ended.</summary>
    public bool OuterCancelledAtExit { get; internal set; }

    internal Future<int>? Outer;

    /// <inheritdoc />
    protected override string Details => $"inner done at exit {InnerDoneAtExit}, outer cancelled {OuterCancelledAtExit}";
}

/// <summary>A child failure as the group's done callbacks saw it (completion order).</summary>
public sealed record GroupFailure(int ChildId, long Seq, Exception Error);

/// <summary>A sibling at the group's first child failure: cancel count at the failing child's end and right after the group handled it.</summary>
public sealed record SiblingAtFailure(int ChildId, bool Done, int CancellingBefore, int CancellingAfter);

/// <summary>A <c>tg.create_task()</c> the interpreter tried.</summary>
public sealed record CreateAttempt(long Seq, string Where, bool AfterFailure, bool Accepted, string Refusal);

/// <summary>A TaskGroup block's observations.</summary>
public sealed class GroupRecord : NodeRecord
{
    internal GroupRecord(NodeInfo info) : base(info) { }

    /// <summary>The group.</summary>
    public GroupNode Spec => (GroupNode)Info.Node;

    /// <summary>The body's id.</summary>
    public int BodyId => Info.BodyId;

    /// <summary>The parent task's <c>cancelling()</c> just before the block.</summary>
    public int ParentCancellingAtEntry { get; internal set; }

    /// <summary>The parent task's <c>cancelling()</c> just after the block.</summary>
    public int ParentCancellingAtExit { get; internal set; }

    /// <summary>Each child's <c>done()</c> just after the block (child order).</summary>
    public IReadOnlyList<bool> ChildDoneAtExit { get; internal set; } = [];

    /// <summary>Each accepted extra task's <c>done()</c> just after the block.</summary>
    public IReadOnlyList<bool> LateDoneAtExit { get; internal set; } = [];

    /// <summary>The children's failures in the order the group learnt of them.</summary>
    public IReadOnlyList<GroupFailure> Failures => _failures;

    /// <summary>Sequence number of the first failure's done callback (right after the group's own), -1 if none.</summary>
    public long FirstFailureSeq { get; internal set; } = -1;

    /// <summary>Loop time of the first failure's done callback.</summary>
    public double FirstFailureTime { get; internal set; }

    /// <summary>The first failing child, -1 if none.</summary>
    public int FirstFailureChild { get; internal set; } = -1;

    /// <summary>The other children at the first failure.</summary>
    public IReadOnlyList<SiblingAtFailure> SiblingsAtFirstFailure { get; internal set; } = [];

    /// <summary>Every create_task the interpreter tried on the group (after the first failure, and at the body's end).</summary>
    public IReadOnlyList<CreateAttempt> CreateAttempts => _attempts;

    /// <summary>The block raised an ExceptionGroup (then <see cref="GroupInner"/> holds its exceptions).</summary>
    public bool RaisedExceptionGroup { get; internal set; }

    /// <summary>The ExceptionGroup's inner exceptions, in order.</summary>
    public IReadOnlyList<Exception> GroupInner { get; internal set; } = [];

    internal readonly List<GroupFailure> _failures = [];
    internal readonly List<CreateAttempt> _attempts = [];
    internal readonly List<LoopTask<int>> LateTasks = [];
    // Failing child -> every child's cancel count when that child's coroutine ended.
    internal readonly Dictionary<int, Dictionary<int, int>> CancellingAtChildFailure = [];
    internal TaskGroup? Group;

    /// <inheritdoc />
    protected override string Details
    {
        get
        {
            var b = new StringBuilder();
            b.Append(CultureInfo.InvariantCulture, $"parent cancelling {ParentCancellingAtEntry}->{ParentCancellingAtExit}");
            if (_failures.Count > 0) b.Append(", failures in order ").Append(string.Join(", ", _failures.Select(f => $"#{f.ChildId}@{f.Seq}")));
            if (SiblingsAtFirstFailure.Count > 0)
                b.Append(", siblings at the first failure ").Append(string.Join(", ", SiblingsAtFirstFailure.Select(s => $"#{s.ChildId}{(s.Done ? " done" : "")} {s.CancellingBefore}->{s.CancellingAfter}")));
            if (_attempts.Count > 0)
                b.Append(", create_task ").Append(string.Join(", ", _attempts.Select(a => $"@{a.Seq} {a.Where}{(a.AfterFailure ? " (after a failure)" : "")}: {(a.Accepted ? "accepted" : "refused")}")));
            if (RaisedExceptionGroup) b.Append(", ExceptionGroup [").Append(string.Join(", ", GroupInner.Select(ProgramTrace.Describe))).Append(']');
            b.Append(", children done at exit [").Append(string.Join(", ", ChildDoneAtExit)).Append(']');
            if (LateDoneAtExit.Count > 0) b.Append(", extra tasks done at exit [").Append(string.Join(", ", LateDoneAtExit)).Append(']');
            return b.ToString();
        }
    }
}

/// <summary>Everything one run of a program recorded; <see cref="ToString"/> is the readable dump a failing property prints.</summary>
public sealed class ProgramTrace
{
    internal ProgramTrace(Node root, IReadOnlyList<CancelAt> cancels, IReadOnlyList<NodeInfo> nodes, IReadOnlyList<NodeRecord> records,
        IReadOnlyList<CancelEvent> cancelEvents, bool hung, IReadOnlyList<string> handlerMessages, string runnerError, double endTime)
    {
        Root = root;
        Cancels = cancels;
        Nodes = nodes;
        Records = records;
        CancelEvents = cancelEvents;
        Hung = hung;
        HandlerMessages = handlerMessages;
        RunnerError = runnerError;
        EndTime = endTime;
    }

    /// <summary>The program.</summary>
    public Node Root { get; }

    /// <summary>Its external cancels.</summary>
    public IReadOnlyList<CancelAt> Cancels { get; }

    /// <summary>The numbered nodes (index = id).</summary>
    public IReadOnlyList<NodeInfo> Nodes { get; }

    /// <summary>One record per node (index = id); the subclass follows the kind.</summary>
    public IReadOnlyList<NodeRecord> Records { get; }

    /// <summary>One event per cancel request, in request order.</summary>
    public IReadOnlyList<CancelEvent> CancelEvents { get; }

    /// <summary>The run did not finish before the watchdog (virtual time 1000): something never completed.</summary>
    public bool Hung { get; }

    /// <summary>What reached the loop's exception handler.</summary>
    public IReadOnlyList<string> HandlerMessages { get; }

    /// <summary>An exception that escaped the interpreter itself (a bug in the harness), or "".</summary>
    public string RunnerError { get; }

    /// <summary>Loop time when the run ended.</summary>
    public double EndTime { get; }

    /// <summary>The node <paramref name="id"/> and every node below it (children and bodies, whatever task runs them).</summary>
    public IReadOnlyList<int> Subtree(int id)
    {
        var result = new List<int>();
        var stack = new Stack<int>();
        stack.Push(id);
        while (stack.Count > 0)
        {
            var n = stack.Pop();
            result.Add(n);
            var info = Nodes[n];
            foreach (var c in info.ChildIds) stack.Push(c);
            if (info.BodyId >= 0) stack.Push(info.BodyId);
        }
        return result;
    }

    /// <summary>The program, every node's record (indented by depth), the cancel events and the handler's messages.</summary>
    public override string ToString()
    {
        var b = new StringBuilder();
        b.Append("program: ").Append(Root).Append('\n');
        b.Append("cancels: ").Append(Cancels.Count == 0 ? "none" : string.Join("; ", Cancels)).Append('\n');
        if (Hung) b.Append("HUNG: the run did not finish\n");
        if (RunnerError.Length > 0) b.Append("HARNESS ERROR: ").Append(RunnerError).Append('\n');
        foreach (var r in Records) b.Append(' ', 2 * (r.Info.Depth + 1)).Append(r.Describe()).Append('\n');
        foreach (var e in CancelEvents) b.Append("  ").Append(e).Append('\n');
        foreach (var m in HandlerMessages) b.Append("  handler: ").Append(m).Append('\n');
        b.Append(CultureInfo.InvariantCulture, $"  ended at {T(EndTime)}\n");
        return b.ToString();
    }

    internal static string T(double t) => t.ToString("0.000", CultureInfo.InvariantCulture);

    /// <summary>A short name for an exception: <c>LeafFailure#3</c>, <c>Cancelled(ext0)</c>, <c>Timeout</c>, <c>ExceptionGroup[…]</c>.</summary>
    public static string Describe(Exception e) => e switch
    {
        LeafFailure l => $"LeafFailure#{l.NodeId}",
        CancelledException c => c.CancelMessage is { } m ? $"Cancelled({m})" : "Cancelled",
        TimeoutException => "Timeout",
        ExceptionGroup g => "ExceptionGroup[" + string.Join(", ", g.InnerExceptions.Select(Describe)) + "]",
        _ => $"{e.GetType().Name}({e.Message})",
    };

    /// <summary>A gather result entry: the int, or the exception's short name.</summary>
    public static string DescribeEntry(object? entry) => entry switch
    {
        null => "null",
        Exception e => Describe(e),
        _ => Convert.ToString(entry, CultureInfo.InvariantCulture) ?? "?",
    };
}
