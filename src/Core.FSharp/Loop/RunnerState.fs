namespace Aio.Core

type RunnerRefusal =
    | RunnerIsClosed
    | RunInsideRunningLoop
    | CloseInsideRunningLoop

type ShutdownStep =
    | CancelLeftovers
    | ShutdownAsyncgens
    | ShutdownDefaultExecutor of timeout: float
    | CloseLoop

[<Struct>]
type RunnerLife =
    | RunnerCreated
    | RunnerInitialized
    | RunnerClosed

module RunnerState =

    // asyncio's constants.THREAD_JOIN_TIMEOUT: how long closing waits for the executor's jobs.
    [<Literal>]
    let private ThreadJoinTimeout = 300.0

    // Closing runs both of asyncio's shutdown coroutines even though .NET has no async generator for the
    // loop to finalise: each is a task of its own, so closing takes asyncio's iterations (callbacks
    // scheduled late still run) and its Task-N numbers.
    let private shutdown =
        [
            CancelLeftovers
            ShutdownAsyncgens
            ShutdownDefaultExecutor ThreadJoinTimeout
            CloseLoop
        ]

    let useLoop life =
        match life with
        | RunnerClosed -> Error RunnerIsClosed
        | RunnerCreated -> Ok(struct (RunnerInitialized, true))
        | RunnerInitialized -> Ok(struct (RunnerInitialized, false))

    let run loopRunningHere life =
        if loopRunningHere then
            Error RunInsideRunningLoop
        else
            useLoop life

    let close loopRunningHere life =
        match life with
        | RunnerInitialized when loopRunningHere -> Error CloseInsideRunningLoop
        | RunnerInitialized -> Ok(struct (RunnerClosed, shutdown))
        | _ -> Ok(struct (life, []))
