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
    val create: parties: int -> Result<BarrierState, string>

    /// A newcomer may enter: the barrier is neither draining nor resetting.
    val mayEnter: s: BarrierState -> bool

    /// broken: aborted.
    val isBroken: s: BarrierState -> bool

    /// A task entered (after `mayEnter` held and the barrier was not broken): its arrival index, and
    /// whether it is the last of the round (the barrier then drains, and every waiter is notified).
    val arrive: s: BarrierState -> struct (BarrierState * int * bool)

    /// A waiting task may leave the wait: the round is no longer filling.
    val roundOver: s: BarrierState -> bool

    /// After its wait, a task raises BrokenBarrierError when the barrier broke or is resetting.
    val waitBroke: s: BarrierState -> bool

    /// A task leaves wait() (normally or not). The last to leave a draining or resetting barrier refills
    /// it; the bool says whether every waiter must be notified.
    val leave: s: BarrierState -> struct (BarrierState * bool)

    /// reset(): waiting tasks break, and the barrier refills once they left; every waiter is notified.
    val reset: s: BarrierState -> BarrierState

    /// abort(): broken until reset(); every waiter is notified.
    val abort: s: BarrierState -> BarrierState

    /// n_waiting: tasks waiting in the filling round.
    val waiting: s: BarrierState -> int
