using Xunit;

namespace Aio.Examples;

/// <summary>The fan_out guide prints the same transcript on every run: the virtual clock makes its timing exact.</summary>
public class FanOutTests
{
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
