using Xunit;

namespace Aio.Examples;

/// <summary>
/// The guides print the same transcript on every run: the virtual clock makes their timing exact.
/// producer_consumer's is what CPython prints for the same program.
/// </summary>
public class GuideTests
{
    private static string Transcript(Action<TextWriter> guide)
    {
        var output = new StringWriter { NewLine = "\n" };
        guide(output);
        return output.ToString();
    }

    [Fact]
    public void ProducerConsumer_BoundedQueueAndJoin_PrintsItsTranscript() => Assert.Equal(
        """
        t=0.0 queued job 1 (queue: 1)
        t=0.0 queued job 2 (queue: 2)
        t=0.0 queued job 3 (queue: 1)
        t=0.0 queued job 4 (queue: 2)
        t=0.0 queued job 5 (queue: 2)
        t=0.1 w1 finished job 1
        t=0.1 queued job 6 (queue: 2)
        t=0.2 w2 finished job 2
        t=0.3 w3 finished job 3
        t=0.5 w1 finished job 4
        t=0.7 w2 finished job 5
        t=0.9 w3 finished job 6
        t=0.9 all jobs done
        workers stopped: 3

        """, Transcript(Guides.ProducerConsumer.Run));

    [Fact]
    public void Crawler_SemaphoreInsideTaskGroup_RunsFiveAtATime() => Assert.Equal(
        "fetched 12 pages, 780 bytes, in 0.3 s; at most 5 at a time\n",
        Transcript(Guides.Crawler.Run));

    [Fact]
    public void FanOut_OnTheVirtualClock_PrintsItsTranscript()
    {
        var output = new StringWriter { NewLine = "\n" };
        Guides.FanOut.Run(output);
        Assert.Equal(
            """
            all pages at t=0.30: alpha (300 ms), beta (100 ms), gamma (200 ms)
              alpha: cancelled, cleaning up
            budget of 0.25 s spent after 0.25 s: <Timeout [expired]>
              alpha: cancelled, cleaning up
            unhandled errors in a TaskGroup: broken: 500 Internal Server Error
            ok: beta (100 ms)
            failed: broken: 500 Internal Server Error

            """, output.ToString());
    }
}
