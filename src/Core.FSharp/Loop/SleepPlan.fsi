namespace Aio.Core

/// What `asyncio.sleep(delay)` does (SEMANTICS §4): a delay of zero or less yields for exactly one
/// iteration, with no timer and no future; anything longer waits on a future a timer completes.
[<Struct>]
type SleepPlan =
    | YieldOnce
    | WakeAfter of seconds: float

module SleepPlan =

    /// The plan for a delay in seconds (never NaN: the shell refuses that before asking).
    val decide: delay: float -> SleepPlan
