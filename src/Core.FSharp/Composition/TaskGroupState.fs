namespace Aio.Core

type GroupChildEnd<'E> =
    | ChildReturned
    | ChildWasCancelled
    | ChildRaised of error: 'E

type GroupBodyEnd<'E> =
    | BodyReturned
    | BodyCancelled of cancelled: 'E
    | BodyRaised of error: 'E

type GroupCommand<'E> =
    | CancelChildren of children: int64 list
    | CancelParent
    | UncancelParent
    | WakeExit
    | ReportOrphanError of child: int64 * error: 'E

type GroupMisuse =
    | GroupNotEntered
    | GroupFinished
    | GroupShuttingDown
    | GroupAlreadyEntered
    | GroupWithoutParent

type GroupExitStep<'E> =
    | WaitForChildren
    | ReadyToFinish

type GroupExitOutcome<'E> =
    | ExitNormally
    | ExitCancelled of cancelled: 'E
    | ExitWithErrors of errors: 'E list

type TaskGroupState<'E> =
    {
        Entered: bool
        Exiting: bool
        Aborting: bool
        ParentCancelRequested: bool
        CancelOnEnter: bool
        Waiting: bool
        Live: Set<int64>
        NextId: int64
        ErrorsNewestFirst: 'E list
        PropagateCancel: 'E voption
        PendingCancel: 'E voption
        BodyError: 'E voption
    }

[<CompilationRepresentation(CompilationRepresentationFlags.ModuleSuffix)>]
module TaskGroupState =

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

    let errorCount (s: TaskGroupState<'E>) = List.length s.ErrorsNewestFirst

    let liveCount (s: TaskGroupState<'E>) = Set.count s.Live

    let isFinished (s: TaskGroupState<'E>) = s.Exiting && s.Live.IsEmpty

    // Abort: every live child is cancelled, in creation order.
    let private abort (s: TaskGroupState<'E>) =
        { s with Aborting = true },
        (if s.Live.IsEmpty then
             []
         else
             [ CancelChildren(Set.toList s.Live) ])

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

    let admit (s: TaskGroupState<'E>) : GroupMisuse voption =
        if not s.Entered then ValueSome GroupNotEntered
        elif isFinished s then ValueSome GroupFinished
        elif s.Aborting then ValueSome GroupShuttingDown
        else ValueNone

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

    let waitEnded (s: TaskGroupState<'E>) : TaskGroupState<'E> * GroupExitStep<'E> =
        let s = { s with Waiting = not s.Live.IsEmpty }
        s, nextStep s

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

    let finishExit
        (parentCancelling: int)
        (s: TaskGroupState<'E>)
        : TaskGroupState<'E> * GroupCommand<'E> list * GroupExitOutcome<'E> =
        let s = { s with Waiting = false }

        // The exit keeps no exception once it has decided (asyncio's __aexit__ drops _errors and
        // _base_error: exceptions hold frames alive), so the repr no longer counts errors.
        let released =
            { s with
                ErrorsNewestFirst = []
                BodyError = ValueNone
                PropagateCancel = ValueNone
                PendingCancel = ValueNone
            }

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
        | ValueSome c when childErrors.IsEmpty -> released, uncancel, ExitCancelled c
        | _ ->
            // Step 5: the body's own exception comes last.
            let errors =
                match s.BodyError with
                | ValueSome e -> childErrors @ [ e ]
                | ValueNone -> childErrors

            if errors.IsEmpty then
                released, uncancel, ExitNormally
            else
                // Step 6: an outside cancellation survives the ExceptionGroup: uncancel, then cancel again.
                let keep =
                    if cancelling > 0 then
                        [ UncancelParent; CancelParent ]
                    else
                        []

                released, uncancel @ keep, ExitWithErrors errors
