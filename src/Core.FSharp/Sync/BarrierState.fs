namespace Aio.Core

type BarrierPhase =
    | Filling
    | Draining
    | Resetting
    | Broken

[<Struct>]
type BarrierState =
    {
        Parties: int
        Phase: BarrierPhase
        Count: int
    }

module BarrierState =

    let create (parties: int) : Result<BarrierState, string> =
        if parties < 1 then
            Error "parties must be > 0"
        else
            Ok
                {
                    Parties = parties
                    Phase = Filling
                    Count = 0
                }

    let mayEnter (s: BarrierState) =
        match s.Phase with
        | Draining
        | Resetting -> false
        | _ -> true

    let isBroken (s: BarrierState) = s.Phase = Broken

    let arrive (s: BarrierState) : struct (BarrierState * int * bool) =
        let index = s.Count
        let last = index + 1 = s.Parties

        struct ({ s with
                    Count = s.Count + 1
                    Phase = if last then Draining else s.Phase
                },
                index,
                last)

    let roundOver (s: BarrierState) = s.Phase <> Filling

    let waitBroke (s: BarrierState) =
        match s.Phase with
        | Broken
        | Resetting -> true
        | _ -> false

    let leave (s: BarrierState) : struct (BarrierState * bool) =
        let s = { s with Count = s.Count - 1 }

        if s.Count = 0 then
            let phase =
                match s.Phase with
                | Resetting
                | Draining -> Filling
                | p -> p

            struct ({ s with Phase = phase }, true)
        else
            struct (s, false)

    let reset (s: BarrierState) =
        if s.Count > 0 then
            { s with Phase = Resetting }
        else
            { s with Phase = Filling }

    let abort (s: BarrierState) = { s with Phase = Broken }

    let waiting (s: BarrierState) =
        if s.Phase = Filling then s.Count else 0
