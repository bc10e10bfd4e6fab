module Aio.Properties.Config

open System

/// Cases per property in the normal run. `dotnet fsi build.fsx soak` sets AIO_PROPERTY_SCALE=100.
let scale =
    match Environment.GetEnvironmentVariable "AIO_PROPERTY_SCALE" with
    | null
    | "" -> 1
    | s -> int s

let cases = 500 * scale
