module Aio.Properties.FutureStateProperties

open FsCheck.Xunit
open Aio.Core

[<Property(MaxTest = 500)>]
let ``set_result on a pending future completes it and hands back the callbacks in registration order``
    (callbacks: int list)
    (v: int)
    =
    let s =
        callbacks
        |> List.fold (fun s cb -> let struct (s', _) = FutureState.addCallback cb s in s') FutureState.pending

    let struct (s', outcome) = FutureState.setResult v s
    s' = Succeeded v && outcome = Completed callbacks
