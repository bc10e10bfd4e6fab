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

[<CompilationRepresentation(CompilationRepresentationFlags.ModuleSuffix)>]
module TaskGroupState =

    /// A group that has not been entered.
    let create () : TaskGroupState<'E> =
        {
            Entered = false
            Exiting = false
            Aborting = false
            ParentCancelRequested = false
            CancelOnEnter = false
            Waiting = false
            Live = Set.empty
            NextId = 0L
            ErrorsNewestFirst = []
            PropagateCancel = ValueNone
            PendingCancel = ValueNone
            BodyError = ValueNone
        }

    /// The number of errors collected so far.
    let errorCount (s: TaskGroupState<'E>) = List.length s.ErrorsNewestFirst

    /// The number of children not yet seen done.
    let liveCount (s: TaskGroupState<'E>) = Set.count s.Live

    /// The exit has begun and no child remains: nothing more can be added.
    let isFinished (s: TaskGroupState<'E>) = s.Exiting && s.Live.IsEmpty

    // Abort: every live child is cancelled, in creation order.
    let private abort (s: TaskGroupState<'E>) =
        { s with Aborting = true },
        (if s.Live.IsEmpty then
             []
         else
             [ CancelChildren(Set.toList s.Live) ])

    /// TaskGroup.cancel(): before entering, remembered for the entry; after the group finished, nothing;
    /// otherwise abort, and cancel the parent once so that its body stops at its await (the exit then
    /// absorbs that cancellation instead of raising it).
    let cancel (s: TaskGroupState<'E>) : TaskGroupState<'E> * GroupCommand<'E> list =
        if not s.Entered then
            { s with CancelOnEnter = true }, []
        elif isFinished s || s.Aborting then
            s, []
        else
            let s, commands = abort s

            if s.ParentCancelRequested then
                s, commands
            else
                { s with ParentCancelRequested = true }, commands @ [ CancelParent ]

    /// Entering the block; `hasParent` says whether a task is running (the parent).
    let enter
        (hasParent: bool)
        (s: TaskGroupState<'E>)
        : Result<TaskGroupState<'E> * GroupCommand<'E> list, GroupMisuse> =
        if s.Entered then
            Error GroupAlreadyEntered
        elif not hasParent then
            Error GroupWithoutParent
        else
            let s = { s with Entered = true }
            if s.CancelOnEnter then Ok(cancel s) else Ok(s, [])

    /// create_task's admission test, in asyncio's order.
    let admit (s: TaskGroupState<'E>) : GroupMisuse voption =
        if not s.Entered then ValueSome GroupNotEntered
        elif isFinished s then ValueSome GroupFinished
        elif s.Aborting then ValueSome GroupShuttingDown
        else ValueNone

    /// The shell created an admitted child (and registered its done callback); `childDone` says whether it
    /// already finished (an eager task). An eager child that failed at creation may have aborted the
    /// group already: a child still running is then cancelled at once.
    let childAdded (childDone: bool) (s: TaskGroupState<'E>) : TaskGroupState<'E> * int64 * GroupCommand<'E> list =
        let id = s.NextId

        let s =
            { s with
                NextId = id + 1L
                Live = Set.add id s.Live
            }

        s,
        id,
        (if s.Aborting && not childDone then
             [ CancelChildren [ id ] ]
         else
             [])

    /// A child's done callback ran; `parentDone` says whether the parent task has finished.
    let childDone
        (child: int64)
        (ending: GroupChildEnd<'E>)
        (parentDone: bool)
        (s: TaskGroupState<'E>)
        : TaskGroupState<'E> * GroupCommand<'E> list =
        let s =
            { s with
                Live = Set.remove child s.Live
            }

        let wake = if s.Waiting && s.Live.IsEmpty then [ WakeExit ] else []

        match ending with
        | ChildReturned
        | ChildWasCancelled -> s, wake
        | ChildRaised error ->
            let s =
                { s with
                    ErrorsNewestFirst = error :: s.ErrorsNewestFirst
                }

            if parentDone then
                s, wake @ [ ReportOrphanError(child, error) ]
            elif not s.Aborting && not s.ParentCancelRequested then
                let s, cancels = abort s
                { s with ParentCancelRequested = true }, wake @ cancels @ [ CancelParent ]
            else
                s, wake

    let private nextStep (s: TaskGroupState<'E>) =
        if s.Live.IsEmpty then ReadyToFinish else WaitForChildren

    /// The body ended (§11 exit, step 1): a CancelledError is remembered; any exception aborts the group.
    let beginExit
        (body: GroupBodyEnd<'E>)
        (s: TaskGroupState<'E>)
        : TaskGroupState<'E> * GroupCommand<'E> list * GroupExitStep<'E> =
        let s = { s with Exiting = true }

        let s =
            match body with
            | BodyReturned -> s
            | BodyCancelled c -> { s with PropagateCancel = ValueSome c }
            | BodyRaised e -> { s with BodyError = ValueSome e }

        let s, commands =
            match body with
            | BodyReturned -> s, []
            | _ when s.Aborting -> s, []
            | _ -> abort s

        let s = { s with Waiting = not s.Live.IsEmpty }
        s, commands, nextStep s

    /// The exit's wait ended normally (the completion future was set); ask for the next move.
    let waitEnded (s: TaskGroupState<'E>) : TaskGroupState<'E> * GroupExitStep<'E> =
        let s = { s with Waiting = not s.Live.IsEmpty }
        s, nextStep s

    /// The exit's wait raised CancelledError (§11 step 2): the parent is being cancelled from outside. If
    /// the group is not aborting yet, that cancellation is remembered and the group aborts.
    let waitCancelled
        (cancelled: 'E)
        (s: TaskGroupState<'E>)
        : TaskGroupState<'E> * GroupCommand<'E> list * GroupExitStep<'E> =
        let s =
            { s with
                PendingCancel = ValueSome cancelled
            }

        let s, commands =
            if s.Aborting then
                s, []
            else
                let s, cancels = abort s

                { s with
                    PropagateCancel = ValueSome cancelled
                },
                cancels

        let s = { s with Waiting = not s.Live.IsEmpty }
        s, commands, nextStep s

    /// No child remains (§11 steps 3–6); `parentCancelling` is the parent's cancelling() now.
    let finishExit
        (parentCancelling: int)
        (s: TaskGroupState<'E>)
        : TaskGroupState<'E> * GroupCommand<'E> list * GroupExitOutcome<'E> =
        let s = { s with Waiting = false }

        // Step 3: the group's own cancel request of the parent is taken back; reaching zero means no other
        // request is left, so a remembered CancelledError was ours and is dropped. Otherwise the remaining
        // request is somebody else's, and the last cancellation the wait saw must not be lost.
        let cancelling, propagate, uncancel =
            if s.ParentCancelRequested then
                let n = max 0 (parentCancelling - 1)

                let propagate =
                    if n = 0 then ValueNone
                    elif s.PropagateCancel.IsNone then s.PendingCancel
                    else s.PropagateCancel

                n, propagate, [ UncancelParent ]
            else
                parentCancelling, s.PropagateCancel, []

        let childErrors = List.rev s.ErrorsNewestFirst

        match propagate with
        // Step 4: a cancellation is re-raised when no child failed.
        | ValueSome c when childErrors.IsEmpty -> s, uncancel, ExitCancelled c
        | _ ->
            // Step 5: the body's own exception comes last.
            let errors =
                match s.BodyError with
                | ValueSome e -> childErrors @ [ e ]
                | ValueNone -> childErrors

            if errors.IsEmpty then
                s, uncancel, ExitNormally
            else
                // Step 6: an outside cancellation survives the ExceptionGroup: uncancel, then cancel again.
                let keep =
                    if cancelling > 0 then
                        [ UncancelParent; CancelParent ]
                    else
                        []

                s, uncancel @ keep, ExitWithErrors errors
