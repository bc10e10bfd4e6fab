using FsCheck.Xunit;

namespace Aio.Examples;

/// <summary>
/// SEMANTICS §17 invariants that only the shell can show, because they are about running C# code:
/// lazy start (18), one step at a time with current_task set (19), no spurious suspension (27),
/// sleep(0) (28), wakeup latency (29), the exception handler (11) and the clock (8). The pure core's
/// invariants are in tests/Properties. A failing property prints the seed; replay it with
/// [Property(Replay = "(seed,gamma)")].
/// </summary>
public class ShellProperties
{
    // One await of a task program, chosen by a byte.
    private enum Await
    {
        Yield,           // Sleep(0): exactly one iteration
        CallbackFuture,  // a future a plain callback completes: resumes the iteration after that
        DoneFuture,      // already done: no suspension at all
        InlineCoroutine, // a coroutine that never suspends: no suspension at all
    }

    private sealed class Run(Loop loop)
    {
        public readonly Loop Loop = loop;
        public readonly List<string> Failures = [];
        public readonly List<int> FirstSteps = [];
        public int InStep;

        public void Check(bool condition, string what)
        {
            if (!condition) Failures.Add(what);
        }
    }

    // Awaits only a done future, so awaiting it must not suspend the caller.
    private static async Coroutine<int> NeverSuspends(int x)
    {
        var done = Asyncio.GetRunningLoop().CreateFuture<int>();
        done.SetResult(x);
        return await done;
    }

    private static async Coroutine Program(Run run, int id, byte[] steps, Func<ILoopTask> self)
    {
        // InStep is 1 for the whole synchronous stretch of a step, from resumption to the next await:
        // another task's step (or a callback) running inside that stretch would find it already set.
        run.FirstSteps.Add(id);
        Enter(run, id);
        foreach (var b in steps)
        {
            run.Check(ReferenceEquals(Asyncio.CurrentTask(), self()), $"task {id}: current_task is not the task");
            var before = run.Loop.Iterations;
            switch ((Await)(b % 4))
            {
                case Await.Yield:
                    Leave(run);
                    await Asyncio.Sleep(0);
                    Enter(run, id);
                    run.Check(run.Loop.Iterations == before + 1, $"task {id}: sleep(0) took {run.Loop.Iterations - before} iterations");
                    break;
                case Await.CallbackFuture:
                    var f = run.Loop.CreateFuture<long>();
                    run.Loop.CallSoon(() =>
                    {
                        run.Check(run.InStep == 0, "a callback ran inside a task's step");
                        run.Check(Asyncio.CurrentTask() is null, "current_task is set in a plain callback");
                        f.SetResult(run.Loop.Iterations);
                    });
                    Leave(run);
                    var completedIn = await f;
                    Enter(run, id);
                    run.Check(run.Loop.Iterations == completedIn + 1, $"task {id}: woke {run.Loop.Iterations - completedIn} iterations after set_result");
                    break;
                case Await.DoneFuture:
                    var done = run.Loop.CreateFuture<int>();
                    done.SetResult(id);
                    run.Check(await done == id && run.Loop.Iterations == before, $"task {id}: awaiting a done future suspended");
                    break;
                default:
                    run.Check(await NeverSuspends(id) == id && run.Loop.Iterations == before, $"task {id}: awaiting a non-suspending coroutine suspended");
                    break;
            }
        }
        Leave(run);
    }

    private static void Enter(Run run, int id)
    {
        run.Check(run.InStep == 0, $"task {id}: resumed inside another step");
        run.InStep = 1;
    }

    private static void Leave(Run run) => run.InStep = 0;

    [Property(MaxTest = 200)]
    public bool Tasks_AnyAwaitPrograms_StartLazilyRunOneStepAtATimeAndWakeOnTime(byte[][] programs)
    {
        using var loop = new Loop(LoopClock.Virtual);
        var run = new Run(loop);
        var tasks = new List<ILoopTask>();

        async Coroutine Main()
        {
            for (var i = 0; i < programs.Length; i++)
            {
                var index = i;
                tasks.Add(loop.CreateTask(Program(run, i, programs[i] ?? [], () => tasks[index])));
                run.Check(run.FirstSteps.Count == 0, "a task ran during CreateTask");
            }
            foreach (var t in tasks) await t.AsFuture;
        }

        loop.RunUntilComplete(Main());
        run.Check(run.FirstSteps.SequenceEqual(Enumerable.Range(0, programs.Length)), "first steps out of creation order");
        return run.Failures.Count == 0;
    }

    [Property(MaxTest = 200)]
    public bool Callbacks_SomeThrow_EachExceptionReachesTheHandlerOnceAndTheRestStillRun(bool[] throws)
    {
        using var loop = new Loop(LoopClock.Virtual);
        var ran = new List<int>();
        var reported = new List<int>();
        loop.SetExceptionHandler((_, context) => reported.Add(int.Parse(context.Exception!.Message)));
        for (var i = 0; i < throws.Length; i++)
        {
            var id = i;
            loop.CallSoon(() =>
            {
                ran.Add(id);
                if (throws[id]) throw new InvalidOperationException(id.ToString());
            });
        }
        loop.CallSoon(loop.Stop);
        loop.RunForever();
        var expectedReports = Enumerable.Range(0, throws.Length).Where(i => throws[i]);
        return ran.SequenceEqual(Enumerable.Range(0, throws.Length)) && reported.SequenceEqual(expectedReports) && loop.Iterations == 1;
    }

    [Property(MaxTest = 100)]
    public bool Time_AnySequenceOfSleeps_NeverDecreases(byte[] delaysMs, bool virtualClock)
    {
        using var loop = new Loop(virtualClock ? LoopClock.Virtual : LoopClock.Monotonic);
        var readings = new List<double> { loop.Time() };

        async Coroutine Sleeper()
        {
            foreach (var d in delaysMs.Take(8))
            {
                await Asyncio.Sleep((d % 3) / 1000.0);
                readings.Add(loop.Time());
            }
        }

        loop.RunUntilComplete(Sleeper());
        readings.Add(loop.Time());
        return readings.Zip(readings.Skip(1)).All(p => p.Second >= p.First);
    }
}
