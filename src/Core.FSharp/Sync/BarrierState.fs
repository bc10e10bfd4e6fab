namespace Aio.Core

/// asyncio.Barrier's states.
type BarrierPhase =
    /// Tasks arrive and wait for the last one.
    | Filling
    /// The last one arrived: the round's tasks leave; newcomers wait for the next round.
    | Draining
    /// reset() while tasks were waiting: they leave with BrokenBarrierError, then the barrier refills.
    | Resetting
    /// abort(): every current and later waiter raises BrokenBarrierError until reset().
    | Broken

/// asyncio.Barrier (SEMANTICS §13), whose waits go through a condition the shell holds: this state says
/// what each waiter's predicate is and what each step changes.
[<Struct>]
type BarrierState =
    {
        Parties: int
        Phase: BarrierPhase
        /// Tasks inside wait().
        Count: int
    }

module BarrierState =

    /// A barrier for `parties` tasks (Error when fewer than one).
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

    /// A newcomer may enter: the barrier is neither draining nor resetting.
    let mayEnter (s: BarrierState) =
        match s.Phase with
        | Draining
        | Resetting -> false
        | _ -> true

    /// broken: aborted.
    let isBroken (s: BarrierState) = s.Phase = Broken

    /// A task entered (after `mayEnter` held and the barrier was not broken): its arrival index, and
    /// whether it is the last of the round (the barrier then drains, and every waiter is notified).
    let arrive (s: BarrierState) : struct (BarrierState * int * bool) =
        let index = s.Count
        let last = index + 1 = s.Parties

        struct ({ s with
                    Count = s.Count + 1
                    Phase = if last then Draining else s.Phase
                },
                index,
                last)

    /// A waiting task may leave the wait: the round is no longer filling.
    let roundOver (s: BarrierState) = s.Phase <> Filling

    /// After its wait, a task raises BrokenBarrierError when the barrier broke or is resetting.
    let waitBroke (s: BarrierState) =
        match s.Phase with
        | Broken
        | Resetting -> true
        | _ -> false

    /// A task leaves wait() (normally or not). The last to leave a draining or resetting barrier refills
    /// it; the bool says whether every waiter must be notified.
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

    /// reset(): waiting tasks break, and the barrier refills once they left; every waiter is notified.
    let reset (s: BarrierState) =
        if s.Count > 0 then
            { s with Phase = Resetting }
        else
            { s with Phase = Filling }

    /// abort(): broken until reset(); every waiter is notified.
    let abort (s: BarrierState) = { s with Phase = Broken }

    /// n_waiting: tasks waiting in the filling round.
    let waiting (s: BarrierState) =
        if s.Phase = Filling then s.Count else 0
