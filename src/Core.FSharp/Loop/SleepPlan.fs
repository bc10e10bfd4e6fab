namespace Aio.Core

[<Struct>]
type SleepPlan =
    | YieldOnce
    | WakeAfter of seconds: float

module SleepPlan =

    // CPython's own test is `delay <= 0`, so a negative delay is a plain yield too.
    let decide (delay: float) =
        if delay <= 0.0 then YieldOnce else WakeAfter delay
