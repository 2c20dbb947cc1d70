using System.Diagnostics;
using Monitor.Cli.Feed;

namespace Monitor.Cli.Tests;

public sealed class LatencyRecorderTests
{
    [Fact]
    public void SamplesBeforeTheWarmupEnds_StayOutOfTheTotalButShowInTheInterval()
    {
        var recorder = new LatencyRecorder();
        recorder.CountFrom(Stopwatch.GetTimestamp() + Stopwatch.Frequency * 3600);
        recorder.Record(TimeSpan.FromMilliseconds(500));

        Assert.Equal(0, recorder.Total.Count);
        Assert.Equal(1, recorder.TakeInterval().Count);

        recorder.CountFrom(0);
        recorder.Record(TimeSpan.FromMilliseconds(5));
        Assert.Equal(1, recorder.Total.Count);
        Assert.Equal(5, recorder.Total.Max.TotalMilliseconds, 1);
    }
}
