module Aio.Properties.Config

open System
open FsCheck.Xunit

/// Cases per property in the normal run. `dotnet fsi build.fsx soak` sets AIO_PROPERTY_SCALE=100.
let scale =
    match Environment.GetEnvironmentVariable "AIO_PROPERTY_SCALE" with
    | null
    | "" -> 1
    | s -> int s

let cases = 500 * scale

/// A property run with `cases` cases (500, or 100 times that under `soak`). A failure prints the
/// seed; pass it as `Replay = "(seed,gamma)"` on a plain [<Property>] to rerun that exact case.
type AioPropertyAttribute() as this =
    inherit PropertyAttribute()
    do this.MaxTest <- cases

/// For a property whose every case is thousands of operations: a fifth of `cases` (100, or 10,000
/// under `soak`), so that one property does not take a whole suite's time.
type AioHeavyPropertyAttribute() as this =
    inherit PropertyAttribute()
    do this.MaxTest <- cases / 5
