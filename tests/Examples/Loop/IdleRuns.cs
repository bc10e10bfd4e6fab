namespace Aio.Examples;

/// <summary>Runs a loop through an idle stretch, where what it waits for shows.</summary>
internal static class IdleRuns
{
    /// <summary>
    /// Runs the loop until another thread stops it 50 ms later: a virtual-clock loop with nothing ready
    /// spends that time either waiting for its inbox or jumping to its next deadline, so its clock
    /// afterwards says whether a timer was left in the queue.
    /// </summary>
    public static void UntilStoppedFromAnotherThread(Loop loop)
    {
        var poster = new Thread(() =>
        {
            Thread.Sleep(50);
            loop.CallSoonThreadsafe(loop.Stop);
        });
        poster.Start();
        loop.RunForever();
        poster.Join();
    }
}
