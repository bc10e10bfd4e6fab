namespace Aio.Core

/// How a TaskGroup child ended; 'E is the shell's exception.
type GroupChildEnd<'E> =
    | ChildReturned
    | ChildWasCancelled
    | ChildRaised of error: 'E

/// How the group's body ended; a CancelledError is kept to be re-raised as it is.
type GroupBodyEnd<'E> =
    | BodyReturned
    | BodyCancelled of cancelled: 'E
    | BodyRaised of error: 'E

/// What the shell does for a TaskGroup, in order, with every operand.
type GroupCommand<'E> =

    /// cancel() every child named, in creation order (a child already done is skipped).
    | CancelChildren of children: int64 list

    /// parent.cancel() (no message).
    | CancelParent

    /// parent.uncancel().
    | UncancelParent

    /// Complete the future the exit is waiting on: no children remain.
    | WakeExit

    /// A child failed after its parent task finished: report it to the loop's exception handler.
    | ReportOrphanError of child: int64 * error: 'E

/// Why create_task (or entering) is refused: RuntimeError in asyncio.
type GroupMisuse =
    | GroupNotEntered
    | GroupFinished
    | GroupShuttingDown
    | GroupAlreadyEntered
    | GroupWithoutParent

/// The next move of the exit procedure.
type GroupExitStep<'E> =

    /// Children remain: wait on a fresh completion future, then ask again.
    | WaitForChildren

    /// No child remains: call `finishExit`.
    | ReadyToFinish

/// How the `async with` block ends.
type GroupExitOutcome<'E> =

    /// Leave the block normally (also after TaskGroup.cancel(), or a cancellation the group absorbed).
    | ExitNormally

    /// Re-raise this CancelledError.
    | ExitCancelled of cancelled: 'E

    /// Raise ExceptionGroup("unhandled errors in a TaskGroup", errors), errors in completion order then
    /// the body's own.
    | ExitWithErrors of errors: 'E list

/// asyncio.TaskGroup's state (SEMANTICS §11, CPython's taskgroups.py including TaskGroup.cancel()).
/// Children are named by ids the group hands out in creation order, so the live set iterates in
/// creation order: the abort order is deterministic **[stricter]**.
type TaskGroupState<'E> =
    {
        Entered: bool
        Exiting: bool
        Aborting: bool
        ParentCancelRequested: bool
        CancelOnEnter: bool

        /// The exit is awaiting its completion future.
        Waiting: bool
        Live: Set<int64>
        NextId: int64

        /// Child failures, newest first.
        ErrorsNewestFirst: 'E list

        /// The CancelledError the group will re-raise, if it still has one at the end.
        PropagateCancel: 'E voption

        /// The last CancelledError the exit's wait received.
        PendingCancel: 'E voption

        /// The body's own exception, if it raised one that is not a cancellation.
        BodyError: 'E voption
    }

[<CompilationRepresentation(enum<CompilationRepresentationFlags> (4))>]
module TaskGroupState =

    /// A group that has not been entered.
    val create: unit -> TaskGroupState<'E>

    /// The number of errors collected so far.
    val errorCount: s: TaskGroupState<'E> -> int

    /// The number of children not yet seen done.
    val liveCount: s: TaskGroupState<'E> -> int

    /// The exit has begun and no child remains: nothing more can be added.
    val internal isFinished: s: TaskGroupState<'E> -> bool

    /// TaskGroup.cancel(): before entering, remembered for the entry; after the group finished, nothing;
    /// otherwise abort, and cancel the parent once so that its body stops at its await (the exit then
    /// absorbs that cancellation instead of raising it).
    val cancel: s: TaskGroupState<'E> -> TaskGroupState<'E> * GroupCommand<'E> list

    /// Entering the block; `hasParent` says whether a task is running (the parent).
    val enter:
        hasParent: bool -> s: TaskGroupState<'E> -> Result<(TaskGroupState<'E> * GroupCommand<'E> list), GroupMisuse>

    /// create_task's admission test, in asyncio's order.
    val admit: s: TaskGroupState<'E> -> GroupMisuse voption

    /// The shell created an admitted child (and registered its done callback); `childDone` says whether it
    /// already finished (an eager task). An eager child that failed at creation may have aborted the
    /// group already: a child still running is then cancelled at once.
    val childAdded: childDone: bool -> s: TaskGroupState<'E> -> TaskGroupState<'E> * int64 * GroupCommand<'E> list

    /// A child's done callback ran; `parentDone` says whether the parent task has finished.
    val childDone:
        child: int64 ->
        ending: GroupChildEnd<'E> ->
        parentDone: bool ->
        s: TaskGroupState<'E> ->
            TaskGroupState<'E> * GroupCommand<'E> list

    /// The body ended (§11 exit, step 1): a CancelledError is remembered; any exception aborts the group.
    val beginExit:
        body: GroupBodyEnd<'E> ->
        s: TaskGroupState<'E> ->
            TaskGroupState<'E> * GroupCommand<'E> list * GroupExitStep<'E>

    /// The exit's wait ended normally (the completion future was set); ask for the next move.
    val waitEnded: s: TaskGroupState<'E> -> TaskGroupState<'E> * GroupExitStep<'E>

    /// The exit's wait raised CancelledError (§11 step 2): the parent is being cancelled from outside. If
    /// the group is not aborting yet, that cancellation is remembered and the group aborts.
    val waitCancelled:
        cancelled: 'E -> s: TaskGroupState<'E> -> TaskGroupState<'E> * GroupCommand<'E> list * GroupExitStep<'E>

    /// No child remains (§11 steps 3–6); `parentCancelling` is the parent's cancelling() now.
    val finishExit:
        parentCancelling: int ->
        s: TaskGroupState<'E> ->
            TaskGroupState<'E> * GroupCommand<'E> list * GroupExitOutcome<'E>
