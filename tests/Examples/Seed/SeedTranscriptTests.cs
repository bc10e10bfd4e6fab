using System.Text.RegularExpressions;
using Xunit;

namespace Aio.Examples;

/// <summary>
/// The seed's four programs (PyMOTW-3, "asyncio — Executing Tasks Concurrently") print, line for line,
/// what CPython 3.12 prints for them, with Python's file:line suffixes dropped from reprs and the
/// coroutine named after the C# method. Task numbers come from a process-wide counter, so they are
/// compared as Task-N.
/// </summary>
public class SeedTranscriptTests
{
    private static string Transcript(Action<TextWriter> program)
    {
        var output = new StringWriter { NewLine = "\n" };
        program(output);
        return Regex.Replace(output.ToString(), @"name='Task-\d+'", "name='Task-N'");
    }

    [Fact]
    public void CreateTask_AwaitedTask_PrintsResultAndFinishedRepr() => Assert.Equal(
        """
        creating task
        waiting for <Task pending name='Task-N' coro=<TaskFunc()>>
        in task_func
        task completed <Task finished name='Task-N' coro=<TaskFunc()> result='the result'>
        return value: 'the result'

        """, Transcript(Seed.CreateTask.Run));

    [Fact]
    public void CancelTask_BeforeLoopRunsIt_BodyNeverRuns() => Assert.Equal(
        """
        creating task
        canceling task
        canceled task <Task cancelling name='Task-N' coro=<TaskFunc()>>
        caught error from canceled task

        """, Transcript(Seed.CancelTask.Run));

    [Fact]
    public void CancelWhileWaiting_CallbackCancelsSleepingTask_CoroutineCleansUpAndReraises() => Assert.Equal(
        """
        creating task
        in task_func, sleeping
        in task_canceller
        canceled the task
        task_func was canceled
        main() also sees task as canceled

        """, Transcript(Seed.CancelWhileWaiting.Run));

    [Fact]
    public void EnsureFuture_WrappedCoroutine_StartsOnlyWhenCreatorSuspends() => Assert.Equal(
        """
        entering event loop
        starter: creating task
        starter: waiting for inner
        inner: starting
        inner: waiting for <Task pending name='Task-N' coro=<Wrapped()>>
        wrapped
        inner: task returned 'result'
        starter: inner returned

        """, Transcript(Seed.EnsureFuture.Run));

    [Fact]
    public void SeedPrograms_RunOneAfterAnotherOnOneThread_EachGetsAFreshDefaultLoop()
    {
        foreach (var (_, run) in Program.Seed) run(TextWriter.Null);
        Assert.False(Asyncio.GetEventLoop().IsClosed);
    }
}
