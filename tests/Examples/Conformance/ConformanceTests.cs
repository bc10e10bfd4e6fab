using Aio.Examples.Conformance.Scenarios;
using Xunit;

namespace Aio.Examples.Conformance;

/// <summary>
/// Each ported CPython scenario (shared/conformance/scenarios/NNN_name.py) prints exactly the trace
/// CPython printed for it (NNN_name.expected, copied byte for byte into Conformance/Expected).
/// </summary>
[Collection(nameof(ConformanceTests))]
public class ConformanceTests
{
    /// <summary>Every ported scenario by number, in number order.</summary>
    public static readonly IReadOnlyList<(string Number, Action<TextWriter> Run)> Scenarios =
    [
        ("001", S001_CreateTaskAwaitResult.Run),
        ("002", S002_TaskAndFutureRepr.Run),
        ("003", S003_CancelBeforeLoopStarts.Run),
        ("004", S004_CancelWhileSleepingCleanup.Run),
        ("005", S005_CallSoonFromCoroutine.Run),
        ("006", S006_EnsureFutureLazyStart.Run),
        ("007", S007_RunUntilCompleteResults.Run),
        ("008", S008_EventLoopLifecycle.Run),
        ("009", S009_AsyncioRunCancelsLeftovers.Run),
        ("010", S010_FutureStateRules.Run),
        ("011", S011_FutureDoneCallbacksOrder.Run),
        ("013", S013_FutureRemoveDoneCallback.Run),
        ("014", S014_FutureCancelMessage.Run),
        ("016", S016_AwaitFutureWakeupLatency.Run),
        ("017", S017_CallSoonFifoIterations.Run),
        ("019", S019_DueTimersRunAfterReady.Run),
        ("020", S020_CallAtTieTwoTimers.Run),
        ("022", S022_CallbacksScheduledMidIteration.Run),
        ("023", S023_StopFinishesIteration.Run),
        ("025", S025_ReentrancyErrors.Run),
        ("026", S026_ExceptionInCallbackHandler.Run),
        ("028", S028_ClosedLoopOperations.Run),
        ("029", S029_CallSoonThreadsafeWakeup.Run),
        ("031", S031_Sleep0RoundRobin.Run),
        ("032", S032_YieldLatencySleep0VsFuture.Run),
        ("034", S034_CoroutineRunsInline.Run),
        ("035", S035_CancelBeforeFirstStep.Run),
        ("037", S037_CancelTwice.Run),
        ("038", S038_CancelAndQueryDoneTasks.Run),
        ("040", S040_SwallowCancellation.Run),
        ("041", S041_SwallowUncancelContinue.Run),
        ("043", S043_InnerSwallowsOuterCancel.Run),
        ("044", S044_AwaitedFutureCancelledByOther.Run),
        ("046", S046_CancelAfterWakeupScheduled.Run),
        ("047", S047_CancelMessageThroughChain.Run),
        ("049", S049_TaskNames.Run),
        ("050", S050_CurrentTaskAllTasks.Run),
        ("052", S052_CancellingUncancelCounts.Run),
        ("053", S053_UncancelClearsPendingCancel.Run),
        ("055", S055_SleepSemantics.Run),
        ("056", S056_EnsureFutureVariants.Run),
        ("058", S058_GatherFirstException.Run),
        ("059", S059_GatherReturnExceptions.Run),
        ("061", S061_GatherChildCancelled.Run),
        ("062", S062_GatherEmptyAndDuplicates.Run),
        ("064", S064_GatherAwaiterCancelled.Run),
        ("065", S065_WaitAllCompleted.Run),
        ("067", S067_WaitFirstException.Run),
        ("068", S068_WaitTimeoutCancelErrors.Run),
        ("070", S070_WaitForTimeoutWaitsCleanup.Run),
        ("071", S071_WaitForInnerSwallows.Run),
        ("073", S073_WaitForCallerCancelled.Run),
        ("074", S074_WaitForCoroutineRunsInline.Run),
        ("076", S076_TimeoutRescheduleAndMisuse.Run),
        ("077", S077_TimeoutNested.Run),
        ("079", S079_TimeoutCancelAndExpireTogether.Run),
        ("080", S080_TimeoutZero.Run),
        ("082", S082_ShieldOuterCancelled.Run),
        ("083", S083_ShieldInnerCancelledAndShortcuts.Run),
        ("085", S085_TaskgroupChildFailure.Run),
        ("086", S086_TaskgroupMultipleFailures.Run),
        ("088", S088_TaskgroupExternalCancel.Run),
        ("089", S089_TaskgroupCreateTaskErrors.Run),
        ("091", S091_TaskgroupNested.Run),
        ("092", S092_TaskgroupUnderTimeout.Run),
        ("094", S094_TaskgroupSpawnDuringExit.Run),
        ("095", S095_AsCompleted.Run),
        ("097", S097_EagerVsLazyOrder.Run),
        ("098", S098_Event.Run),
        ("100", S100_Queue.Run),
    ];

    /// <summary>The theory's rows: a scenario's number and its port.</summary>
    public static TheoryData<string, Action<TextWriter>> Ported()
    {
        var data = new TheoryData<string, Action<TextWriter>>();
        foreach (var (number, run) in Scenarios) data.Add(number, run);
        return data;
    }

    /// <summary>Runs one port and returns what it printed, with "\n" line endings as CPython wrote them.</summary>
    public static string Trace(Action<TextWriter> run)
    {
        var output = new StringWriter { NewLine = "\n" };
        run(output);
        return output.ToString();
    }

    /// <summary>The CPython trace of scenario <paramref name="number"/>, from the test's output directory.</summary>
    public static string Expected(string number)
    {
        var folder = Path.Combine(AppContext.BaseDirectory, "Conformance", "Expected");
        var file = Assert.Single(Directory.GetFiles(folder, $"{number}_*.expected"));
        return File.ReadAllText(file);
    }

    // Delegates cannot be serialized for discovery, so the rows are enumerated when the theory runs;
    // each row still reports as its own result.
    [Theory]
    [MemberData(nameof(Ported), DisableDiscoveryEnumeration = true)]
    public void Scenario_PortedToCSharp_PrintsTheCPythonTrace(string number, Action<TextWriter> run) =>
        Assert.Equal(Expected(number), Trace(run));

    [Fact]
    public void Scenarios_EveryExpectedFile_HasAPort()
    {
        var folder = Path.Combine(AppContext.BaseDirectory, "Conformance", "Expected");
        var numbers = Directory.GetFiles(folder, "*.expected").Select(f => Path.GetFileName(f)[..3]).Order();
        Assert.Equal(numbers, Scenarios.Select(s => s.Number));
    }
}

/// <summary>
/// The ports run alone: task numbers come from a process-wide counter (as in CPython), and 049 checks
/// that two tasks created one after the other get consecutive numbers, which a test creating tasks on
/// another thread at the same moment would break.
/// </summary>
[CollectionDefinition(nameof(ConformanceTests), DisableParallelization = true)]
public class ConformanceCollection;
