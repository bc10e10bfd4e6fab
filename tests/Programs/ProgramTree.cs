using System.Globalization;

namespace Aio.Programs;

// The language of generated programs (SEMANTICS §6–§11, invariants 30–39). A program is a tree of
// nodes; every node is a coroutine returning an int. Some nodes run their children as tasks (gather,
// wait, TaskGroup, shield, wait_for with AsTask), the others run them inline in their own task
// (timeout body, TaskGroup body, wait_for of a coroutine). The records are immutable and positional
// so that F# generators can build them directly; children are arrays.

/// <summary>How a <see cref="Leaf"/> ends once its sleeps are over, and what it does with a cancellation.</summary>
public enum LeafEnd
{
    /// <summary>Returns its value; a cancellation propagates.</summary>
    Return,

    /// <summary>Raises <see cref="LeafFailure"/>; a cancellation propagates.</summary>
    Raise,

    /// <summary>Returns its value; a cancellation at one of its sleeps is swallowed and it returns at once (without uncancel()).</summary>
    SwallowCancel,

    /// <summary>Returns its value; a cancellation at one of its sleeps is turned into a <see cref="LeafFailure"/>.</summary>
    RaiseOnCancel,
}

/// <summary>What kind of node a <see cref="NodeInfo"/> describes.</summary>
public enum NodeKind
{
    /// <summary>A <see cref="Programs.Leaf"/>.</summary>
    Leaf,

    /// <summary>A <see cref="GatherNode"/>.</summary>
    Gather,

    /// <summary>A <see cref="WaitNode"/>.</summary>
    Wait,

    /// <summary>A <see cref="WaitForNode"/>.</summary>
    WaitFor,

    /// <summary>A <see cref="TimeoutNode"/>.</summary>
    Timeout,

    /// <summary>A <see cref="ShieldNode"/>.</summary>
    Shield,

    /// <summary>A <see cref="GroupNode"/>.</summary>
    Group,
}

/// <summary>A node of a generated program: a coroutine that returns an int or raises.</summary>
public abstract record Node
{
    /// <summary>The node's kind.</summary>
    public abstract NodeKind Kind { get; }

    // Delays print the same on every machine.
    internal static string D(double d) => d.ToString("0.###", CultureInfo.InvariantCulture);

    internal static string D(double? d) => d is { } x ? D(x) : "None";

    internal static string Join(Node[] children) => string.Join(", ", children.Select(c => c.ToString()));
}

/// <summary>
/// <paramref name="Steps"/> times <c>await Asyncio.Sleep(Sleep)</c>, then ends as <paramref name="End"/> says,
/// returning <paramref name="Value"/> or raising a <see cref="LeafFailure"/> that names the node.
/// </summary>
public sealed record Leaf(int Steps, double Sleep, LeafEnd End, int Value) : Node
{
    /// <inheritdoc />
    public override NodeKind Kind => NodeKind.Leaf;

    /// <inheritdoc />
    public override string ToString() => $"Leaf({Steps}x{D(Sleep)} {End} {Value})";
}

/// <summary>
/// <c>await gather(children…)</c>: every child becomes a task (argument order); with
/// <paramref name="RepeatFirst"/> the first child's task is passed again as the last argument.
/// </summary>
public sealed record GatherNode(Node[] Children, bool ReturnExceptions, bool RepeatFirst) : Node
{
    /// <inheritdoc />
    public override NodeKind Kind => NodeKind.Gather;

    /// <inheritdoc />
    public override string ToString() =>
        $"Gather{(ReturnExceptions ? "[return_exceptions]" : "")}{(RepeatFirst ? "[repeat first]" : "")}({Join(Children)})";
}

/// <summary><c>await wait(children as tasks, timeout, return_when)</c>; the node returns the size of the done set.</summary>
public sealed record WaitNode(Node[] Children, double? Timeout, ReturnWhen ReturnWhen) : Node
{
    /// <inheritdoc />
    public override NodeKind Kind => NodeKind.Wait;

    /// <inheritdoc />
    public override string ToString() => $"Wait[{ReturnWhen}, timeout={D(Timeout)}]({Join(Children)})";
}

/// <summary>
/// <c>await wait_for(child, timeout)</c>: the child as a task when <paramref name="AsTask"/>, else its
/// coroutine (which wait_for runs inline in the caller, or never runs when the timeout is 0).
/// </summary>
public sealed record WaitForNode(Node Child, double Timeout, bool AsTask) : Node
{
    /// <inheritdoc />
    public override NodeKind Kind => NodeKind.WaitFor;

    /// <inheritdoc />
    public override string ToString() => $"WaitFor[{(AsTask ? "task" : "coroutine")}, timeout={D(Timeout)}]({Child})";
}

/// <summary><c>async with timeout(delay): body</c> (null: never fires).</summary>
public sealed record TimeoutNode(Node Body, double? Delay) : Node
{
    /// <inheritdoc />
    public override NodeKind Kind => NodeKind.Timeout;

    /// <inheritdoc />
    public override string ToString() => $"Timeout[{D(Delay)}]({Body})";
}

/// <summary><c>await shield(child as a task)</c>.</summary>
public sealed record ShieldNode(Node Child) : Node
{
    /// <inheritdoc />
    public override NodeKind Kind => NodeKind.Shield;

    /// <inheritdoc />
    public override string ToString() => $"Shield({Child})";
}

/// <summary>
/// <c>async with TaskGroup() as tg:</c> create a task for every child (in order), then run
/// <paramref name="Body"/> inline; the node returns the body's value.
/// </summary>
public sealed record GroupNode(Node[] Children, Node Body) : Node
{
    /// <inheritdoc />
    public override NodeKind Kind => NodeKind.Group;

    /// <inheritdoc />
    public override string ToString() => $"Group({Join(Children)}; body {Body})";
}

/// <summary>
/// An external cancellation fired by <c>loop.CallAt(Time, …)</c>. It cancels the task node
/// <paramref name="NodeId"/> runs in: its own task if it is one, else — only while the node is
/// running — the task it runs inline in. With <paramref name="Own"/>, a gather or shield node's own
/// future is cancelled instead (<c>gather(...).cancel()</c>, cancelling the shield's outer future),
/// once it exists.
/// </summary>
public sealed record CancelAt(double Time, int NodeId, bool Own)
{
    /// <inheritdoc />
    public override string ToString() => $"@{Node.D(Time)} #{NodeId}{(Own ? " own future" : "")}";
}

/// <summary>The exception a leaf raises: it names the leaf, so a trace can tell failures apart and order them.</summary>
public sealed class LeafFailure : Exception
{
    /// <summary>A failure of leaf <paramref name="nodeId"/>; <paramref name="cause"/> is the cancellation it converted, if any.</summary>
    public LeafFailure(int nodeId, Exception? cause = null) : base($"leaf #{nodeId} failed", cause) => NodeId = nodeId;

    /// <summary>The leaf that raised it.</summary>
    public int NodeId { get; }
}

/// <summary>
/// Where a node sits in its program: pre-order number, parent, which task runs it, and its children.
/// </summary>
/// <param name="Id">Pre-order number (the root is 0).</param>
/// <param name="ParentId">The parent's id, -1 for the root.</param>
/// <param name="Node">The node itself.</param>
/// <param name="TaskRootId">The id of the node whose task runs this node (itself when <paramref name="IsTaskRoot"/>).</param>
/// <param name="IsTaskRoot">The node runs as a task of its own (the root, or a child its parent makes a task of).</param>
/// <param name="Depth">0 for the root.</param>
/// <param name="ChildIds">Children in order (tasks, or the inline child of a coroutine wait_for); not the body.</param>
/// <param name="BodyId">The inline body of a timeout or TaskGroup, else -1.</param>
public sealed record NodeInfo(int Id, int ParentId, Node Node, int TaskRootId, bool IsTaskRoot, int Depth, int[] ChildIds, int BodyId)
{
    /// <summary>The node's kind.</summary>
    public NodeKind Kind => Node.Kind;
}
