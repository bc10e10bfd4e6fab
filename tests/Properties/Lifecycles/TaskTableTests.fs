/// TaskState.transition is the table; the shell calls its rows split for speed (startStep, endStep,
/// cancel, uncancel, waiterAnswered). Here both are run on every state and every input of the
/// lifecycle's domain (Lifecycle.states × Lifecycle.inputs), so the two cannot disagree anywhere.
module Aio.Properties.TaskTableTests

open Xunit
open Aio.Core

let private usesWaiter =
    List.exists (function
        | AddWakeup
        | CancelWaiter _ -> true
        | _ -> false)

// The new state, the commands, and the waiter named beside them when a waiter command needs one.
let private run (f: unit -> struct (TaskState<Lifecycle.W> * Commands<Lifecycle.W>)) =
    try
        let struct (s, commands) = f ()
        let list = commands.ToList()
        Ok(s, list, (if usesWaiter list then Some commands.Waiter else None))
    with IllegalTaskTransition(phase, input) ->
        Error(phase, input)

let private split input s =
    match input with
    | StepStarts i -> TaskState.startStep i s
    | StepEnds(e, w) -> TaskState.endStep e w s
    | CancelRequested(m, waiterDone) ->
        let struct (s, _, commands) = TaskState.cancel m waiterDone s
        struct (s, commands)
    | Uncancel -> TaskState.uncancel s
    | WaiterAnswered(a, m) -> TaskState.waiterAnswered a m s

[<Fact>]
let ``the hot-path functions agree with the table on every state and input`` () =
    let disagreements =
        [
            for s in Lifecycle.states do
                for i in Lifecycle.inputs do
                    let table = run (fun () -> TaskState.transition i s)
                    let fast = run (fun () -> split i s)

                    if table <> fast then
                        yield sprintf "%A on %A: table %A, split %A" i s table fast
        ]

    Assert.True(disagreements.IsEmpty, String.concat "\n" disagreements)
    Assert.Equal(32 * 35, List.length Lifecycle.states * List.length Lifecycle.inputs)

[<Fact>]
let ``cancel answers accepted exactly when the task is not done and not passing a cancel on`` () =
    for s in Lifecycle.states do
        for waiterDone in [ false; true ] do
            let struct (s', answer, commands) = TaskState.cancel None waiterDone s

            let expected =
                if TaskState.isDone s then CancelRefused
                elif s.Forwarding then CancelCameBack
                else CancelAccepted

            Assert.Equal(expected, answer)
            // Refused or come back: nothing changes.
            if answer <> CancelAccepted then
                Assert.Equal(s, s')
                Assert.Equal(0, commands.Count)

[<Fact>]
let ``every move keeps the task invariant: suspended exactly while a wakeup is registered and no step queued`` () =
    // Commands that register a wakeup or queue a step, by the phase the move lands in.
    for s in Lifecycle.states do
        for i in Lifecycle.inputs do
            match run (fun () -> TaskState.transition i s) with
            | Error _ -> ()
            | Ok(s', commands, _) ->
                let addsWakeup = commands |> List.contains AddWakeup

                let queuesStep =
                    commands
                    |> List.exists (function
                        | ScheduleStep _ -> true
                        | _ -> false)

                match s.Phase, s'.Phase with
                | Running, Suspended _ -> Assert.True(addsWakeup && not queuesStep, sprintf "%A on %A" i s)
                | Running, Scheduled -> Assert.True(queuesStep && not addsWakeup, sprintf "%A on %A" i s)
                | p, p' when p = p' -> Assert.False(addsWakeup || queuesStep, sprintf "%A on %A keeps %A" i s p)
                | _ -> Assert.False(addsWakeup || queuesStep, sprintf "%A on %A" i s)

[<Fact>]
let ``every waiter command names, beside it, the waiter the task is suspended on`` () =
    for s in Lifecycle.states do
        for i in Lifecycle.inputs do
            match run (fun () -> TaskState.transition i s) with
            | Ok(s', _, Some waiter) ->
                Assert.False(isNull (box waiter), sprintf "%A on %A names no waiter" i s)

                match s'.Phase with
                | Suspended(w, _) -> Assert.Equal(w, waiter)
                | p -> Assert.Fail(sprintf "%A on %A: a waiter command in phase %A" i s p)
            | _ -> ()
