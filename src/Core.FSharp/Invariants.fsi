namespace Aio.Core

/// Structural invariants of the core's values, checked by the property suite after every transition.
/// Each returns the list of violations (empty when the value is well formed).
module Invariants =

    /// The loop state's structure: queue bounds, snapshot inside the queue, timer runs in order, closed means empty.
    val checkLoop: s: LoopState -> timers: TimerQueue<'H> -> string list

    /// The task state's bookkeeping: no negative count, no pending cancel without a request or after done,
    /// no forwarding of a cancel except while suspended on an interruptible waiter.
    val checkTask: s: TaskState<'W> -> string list when 'W: equality

    /// The future state's payloads: a failure always carries an exception.
    val checkFuture: s: FutureState<'T, 'Cb> -> string list
