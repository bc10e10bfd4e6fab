using System.Runtime.CompilerServices;
using Xunit;

namespace Aio.Examples;

/// <summary>
/// A pending task that nothing references any more is collected and reported, as CPython's
/// <c>Task.__del__</c> does (issue 12, point 6); the tasks something still holds stay in AllTasks, in
/// creation order.
/// </summary>
public class DroppedTaskTests
{
    private static async Coroutine WaitForever(Loop loop) => await loop.CreateFuture<int>();

    private static async Coroutine WaitOn(Future<int> gate) => await gate;

    // Apart from the test, so that no local of the test's frame keeps a task alive.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void Abandon(Loop loop, int count)
    {
        for (var i = 0; i < count; i++) loop.CreateTask(WaitForever(loop), name: i == 0 ? "first dropped" : null);
    }

    private static void RunOnce(Loop loop)
    {
        loop.CallSoon(loop.Stop);
        loop.RunForever();
    }

    [Fact]
    public void AbandonedPendingTasks_AfterACollection_AreReportedAndLeaveAllTasks()
    {
        var loop = new Loop(LoopClock.Virtual);
        var reports = new List<ExceptionContext>();
        loop.SetExceptionHandler((_, context) => { lock (reports) reports.Add(context); });
        var gate = loop.CreateFuture<int>();
        var kept = loop.CreateTask(WaitOn(gate), name: "kept");
        Abandon(loop, 100_000);
        var lateKept = loop.CreateTask(WaitOn(gate), name: "late kept");
        RunOnce(loop);
        var notStarted = loop.CreateTask(WaitOn(gate), name: "not started");

        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        RunOnce(loop);

        Assert.Equal(100_000, reports.Count);
        Assert.All(reports, r => Assert.Equal("Task was destroyed but it is pending!", r.Message));
        // Reported in the order the collector found them dead (a gen-0 collection during the run takes
        // the youngest first), as CPython's __del__ runs in collection order.
        var texts = reports.Select(r => (string)r["task"]!).ToList();
        Assert.Single(texts, t => t == "<Task pending name='first dropped' coro=<WaitForever()>>");
        Assert.All(texts.Where(t => !t.Contains("first dropped")), t => Assert.Matches(@"^<Task pending name='Task-\d+' coro=<WaitForever\(\)>>$", t));
        Assert.Equal(["kept", "late kept", "not started"], Asyncio.AllTasks(loop).Select(t => t.Name));

        gate.SetResult(1);
        loop.RunUntilComplete(Asyncio.Gather(kept, lateKept, notStarted));
        Assert.Empty(Asyncio.AllTasks(loop));
        Assert.Equal(100_000, reports.Count);
        loop.Close();
    }

    [Fact]
    public void APendingTaskSomethingHolds_SurvivesCollections_AndFinishesNormally()
    {
        var loop = new Loop(LoopClock.Virtual);
        var reports = new List<string>();
        loop.SetExceptionHandler((_, context) => reports.Add(context.Message));
        var gate = loop.CreateFuture<int>();
        var task = loop.CreateTask(WaitOn(gate), name: "held through its waiter");
        RunOnce(loop);
        task = null;
        GC.Collect();
        GC.WaitForPendingFinalizers();
        RunOnce(loop);
        Assert.Empty(reports);
        Assert.Equal(["held through its waiter"], Asyncio.AllTasks(loop).Select(t => t.Name));
        gate.SetResult(1);
        RunOnce(loop);
        Assert.Empty(Asyncio.AllTasks(loop));
        Assert.Null(task);
        loop.Close();
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void AbandonRenamed(Loop loop)
    {
        var task = loop.CreateTask(WaitForever(loop), name: "before");
        RunOnce(loop);
        task.Name = "renamed while parked";
    }

    [Fact]
    public void ADroppedTaskRenamedWhileParked_IsReportedUnderItsNewName()
    {
        var loop = new Loop(LoopClock.Virtual);
        var reports = new List<string>();
        loop.SetExceptionHandler((_, context) => reports.Add((string)context["task"]!));
        AbandonRenamed(loop);
        GC.Collect();
        GC.WaitForPendingFinalizers();
        RunOnce(loop);
        Assert.Equal(["<Task pending name='renamed while parked' coro=<WaitForever()>>"], reports);
        loop.Close();
    }

    private static void CollectTwice()
    {
        for (var i = 0; i < 2; i++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static List<LoopTask> Hold(Loop loop, int count)
    {
        var held = new List<LoopTask>();
        for (var i = 0; i < count; i++) held.Add(loop.CreateTask(WaitForever(loop), name: $"held {i}"));
        return held;
    }

    // CPython's Task.__del__ reports from wherever the collection happens: a loop that is not running has
    // no next iteration to wait for.
    [Fact]
    public void AbandonedPendingTasks_OfALoopNotRunning_AreReportedByTheCollectionItself()
    {
        var loop = new Loop(LoopClock.Virtual);
        var reports = new List<string>();
        loop.SetExceptionHandler((_, context) => { lock (reports) reports.Add((string)context["task"]!); });
        Abandon(loop, 3);
        RunOnce(loop);
        CollectTwice();
        lock (reports) Assert.Equal(3, reports.Count);
        Assert.Equal("<Task pending name='first dropped' coro=<WaitForever()>>", reports[0]);
        Assert.Empty(Asyncio.AllTasks(loop));
        loop.Close();
    }

    // loop.close() drops what was scheduled, not the tasks something else holds: dropped later, they
    // are still reported when collected.
    [Fact]
    public void PendingTasksHeldAcrossClose_WhenDroppedAfterIt_AreReportedOnce()
    {
        var loop = new Loop(LoopClock.Virtual);
        var reports = new List<string>();
        loop.SetExceptionHandler((_, context) => { lock (reports) reports.Add((string)context["task"]!); });
        var held = Hold(loop, 2);
        RunOnce(loop);
        loop.Close();
        CollectTwice();
        lock (reports) Assert.Empty(reports);
        held.Clear();
        CollectTwice();
        lock (reports)
            Assert.Equal(["<Task pending name='held 0' coro=<WaitForever()>>", "<Task pending name='held 1' coro=<WaitForever()>>"], reports);
        CollectTwice();
        lock (reports) Assert.Equal(2, reports.Count);
    }

    // A Debug loop reports its pending tasks as it closes; the same tasks are not reported again when
    // they are collected later.
    [Fact]
    public void PendingTasksReportedByADebugClose_AreNotReportedAgainWhenCollected()
    {
        var loop = new Loop(LoopClock.Virtual) { Debug = true };
        var reports = new List<string>();
        loop.SetExceptionHandler((_, context) => { lock (reports) reports.Add(context.Message); });
        var held = Hold(loop, 2);
        RunOnce(loop);
        loop.Close();
        lock (reports) Assert.Equal(["Task was destroyed but it is pending!", "Task was destroyed but it is pending!"], reports);
        held.Clear();
        CollectTwice();
        lock (reports) Assert.Equal(2, reports.Count);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void StopEarly(Loop loop)
    {
        async Coroutine StopsTheLoopThenWaits()
        {
            loop.Stop();
            await loop.CreateFuture<int>();
        }

        var error = Assert.Throws<InvalidOperationException>(() => loop.RunUntilComplete(StopsTheLoopThenWaits()));
        Assert.Equal("Event loop stopped before Future completed.", error.Message);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void GatherAndDrop(Loop loop)
    {
        async Coroutine Main()
        {
            _ = Asyncio.Gather(WaitForever(loop), WaitForever(loop));
            _ = loop.CreateTask(WaitForever(loop), name: "created directly");
            await Asyncio.Sleep(0);
        }

        loop.RunUntilComplete(Main());
        RunOnce(loop);
    }

    // asyncio sets _log_destroy_pending = False on the tasks run_until_complete and gather make for
    // coroutines: dropped pending, they go without a report. A task created directly is still reported.
    [Fact]
    public void TasksMadeByRunUntilCompleteOrGather_DroppedPending_AreNotReported()
    {
        var loop = new Loop(LoopClock.Virtual);
        var reports = new List<string>();
        loop.SetExceptionHandler((_, context) => { lock (reports) reports.Add((string)context["task"]!); });
        StopEarly(loop);
        GatherAndDrop(loop);
        CollectTwice();
        RunOnce(loop);
        lock (reports) Assert.Equal(["<Task pending name='created directly' coro=<WaitForever()>>"], reports);
        Assert.Empty(Asyncio.AllTasks(loop));
        loop.Close();
    }
}

