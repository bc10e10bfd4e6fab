namespace Aio.Core

/// Why a Runner refused a call (asyncio's runners.py).
type RunnerRefusal =
    /// The runner was closed: it never makes another loop.
    | RunnerIsClosed
    /// run() from inside a running loop: the runner's loop cannot be run there.
    | RunInsideRunningLoop
    /// close() from inside a running loop: its shutdown would have to run a loop there.
    | CloseInsideRunningLoop

/// One step of closing a runner, in the order the shell carries them out; each runs the loop until
/// it is done before the next starts.
type ShutdownStep =
    /// asyncio.run's cancellation of the leftovers (RunShutdown.start and RunShutdown.reports).
    | CancelLeftovers
    /// loop.shutdown_asyncgens(), as a task of its own.
    | ShutdownAsyncgens
    /// loop.shutdown_default_executor(timeout), as a task of its own.
    | ShutdownDefaultExecutor of timeout: float
    /// Close the loop, and give the thread back the current loop it had (if the runner set its own).
    | CloseLoop

/// A Runner's life: its loop is made on first use and closed once (asyncio's _State).
[<Struct>]
type RunnerLife =
    | RunnerCreated
    | RunnerInitialized
    | RunnerClosed

module RunnerState =

    /// get_loop() (and the start of run()): the life after it, and whether the loop must be made now.
    val useLoop: life: RunnerLife -> Result<struct (RunnerLife * bool), RunnerRefusal>

    /// run(): refused inside a running loop before anything is made; otherwise as useLoop.
    val run: loopRunningHere: bool -> life: RunnerLife -> Result<struct (RunnerLife * bool), RunnerRefusal>

    /// close(): a runner that never made its loop, or is closed, does nothing (and one never used
    /// can still run, as in asyncio); otherwise the steps of its shutdown, and it is closed.
    val close:
        loopRunningHere: bool -> life: RunnerLife -> Result<struct (RunnerLife * ShutdownStep list), RunnerRefusal>
