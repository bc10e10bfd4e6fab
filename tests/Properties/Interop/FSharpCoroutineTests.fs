/// F# users are users too: coroutines written with Aio.FSharp's coroutine { }, run on a loop, cancelled
/// at their let!, composed with the same functions C# uses; and F#'s own task { } awaiting Aio futures.
module Aio.Properties.FSharpCoroutineTests

open System
open System.Threading.Tasks
open Xunit
open Aio
open Aio.FSharp

let private sleepThen (seconds: float) (value: 'T) =
    coroutine {
        do! Asyncio.Sleep seconds
        return value
    }

[<Fact>]
let ``coroutine { } is lazy, sleeps on the virtual clock, awaits tasks and returns`` () =
    let log = ResizeArray<string>()

    let child =
        coroutine {
            log.Add "child runs"
            do! Asyncio.Sleep 0.5
            return 20
        }

    let main =
        coroutine {
            log.Add "main runs"
            let loop = Asyncio.GetRunningLoop()
            let task = Asyncio.CreateTask(child, name = "child")
            let! inline' = sleepThen 0.1 1
            let! fromTask = task
            log.Add(sprintf "at t=%.1f" (loop.Time()))
            return inline' + fromTask + 21
        }

    Assert.Empty log
    let answer = Asyncio.Run(main, LoopClock.Virtual)
    Assert.Equal(42, answer)
    Assert.Equal<string list>([ "main runs"; "child runs"; "at t=0.5" ], List.ofSeq log)

[<Fact>]
let ``a cancellation is raised at the let!, try/with and try/finally clean up, and the task ends cancelled`` () =
    let log = ResizeArray<string>()

    let worker =
        coroutine {
            try
                try
                    do! Asyncio.Sleep 3600.0
                    log.Add "must not run"
                with :? CancelledException as e ->
                    log.Add(sprintf "cancelled at the let! (%s)" e.CancelMessage)
                    raise e
            finally
                log.Add "finally ran"
        }

    let main =
        coroutine {
            let task = Asyncio.CreateTask(worker)
            do! Asyncio.Sleep 0.0
            task.Cancel "stop" |> ignore

            try
                do! task
            with :? CancelledException ->
                log.Add(sprintf "main: task cancelled = %b" task.Cancelled)
        }

    Asyncio.Run(main, LoopClock.Virtual)

    Assert.Equal<string list>(
        [ "cancelled at the let! (stop)"; "finally ran"; "main: task cancelled = true" ],
        List.ofSeq log
    )

[<Fact>]
let ``F# coroutines compose with TaskGroup, Gather, Timeout and the primitives`` () =
    let main =
        coroutine {
            let results = ResizeArray<int>()
            let five = AsyncSemaphore(2)

            let! _ =
                TaskGroup.Run(fun tg ->
                    coroutine {
                        for i in 1..4 do
                            tg.CreateTask(
                                coroutine {
                                    use! _permit = five.WaitAsync()
                                    do! Asyncio.Sleep 0.1
                                    results.Add i
                                }
                            )
                            |> ignore
                    })

            let! both = Asyncio.Gather(sleepThen 0.2 1, sleepThen 0.1 2)
            let mutable timedOut = false

            try
                do! Asyncio.Timeout(Nullable 0.05, (fun () -> coroutine { do! Asyncio.Sleep 1.0 }))
            with :? TimeoutException ->
                timedOut <- true

            let loop = Asyncio.GetRunningLoop()
            return sprintf "%A %A timed out %b at %.2f" (List.ofSeq results) both timedOut (loop.Time())
        }

    Assert.Equal("[1; 2; 3; 4] [|1; 2|] timed out true at 0.45", Asyncio.Run(main, LoopClock.Virtual))

[<Fact>]
let ``long loops that never suspend do not grow the stack`` () =
    let main =
        coroutine {
            let mutable total = 0

            for i in 1..200_000 do
                total <- total + i % 3

            let mutable n = 0

            while n < 200_000 do
                n <- n + 1

            return total + n
        }

    Assert.Equal(200_001 + 200_000, Asyncio.Run(main, LoopClock.Virtual))

[<Fact>]
let ``F#'s task { } awaits an Aio future on the loop thread`` () =
    let loop = new Loop(LoopClock.Virtual)
    let future = loop.CreateFuture<int>()
    let mutable seen = 0

    let helper () =
        task {
            let! x = future
            seen <- x + 1
        }

    loop.CallSoon(fun () -> helper () |> ignore) |> ignore
    loop.CallSoon(fun () -> future.SetResult 41) |> ignore
    loop.RunUntilComplete(loop.CreateTask(sleepThen 0.1 0)) |> ignore
    loop.Close()
    Assert.Equal(42, seen)

[<Fact>]
let ``a Runner runs F# coroutines on one loop, and use closes it`` () =
    let loops = ResizeArray<Loop>()

    let step (value: int) =
        coroutine {
            do! Asyncio.Sleep 1.0
            loops.Add(Asyncio.GetRunningLoop())
            return value
        }

    let total =
        use runner = new Runner(LoopClock.Virtual)
        runner.Run(step 1) + runner.Run(step 2)

    Assert.Equal(3, total)
    Assert.Same(loops[0], loops[1])
    Assert.True loops[0].IsClosed
    Assert.Equal(2.0, loops[0].Time())
    // asyncio.run(main, loop_factory=...) from F#: a lambda is the factory.
    let made = ResizeArray<Loop>()

    let answer =
        Asyncio.Run(
            step 7,
            (fun () ->
                let loop = new Loop(LoopClock.Virtual)
                made.Add loop
                loop)
        )

    Assert.Equal(7, answer)
    Assert.True made[0].IsClosed
