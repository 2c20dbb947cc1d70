using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Monitor.Core.Market;
using Monitor.Core.Pipeline;
using Monitor.Core.Rules;
using Monitor.Grains.Rules;

namespace Monitor.Grains.Tests;

/// <summary>What an instrument grain sends the rule grains that read it, without a silo.</summary>
public sealed class RuleGrainFeedTests
{
    private static readonly InstrumentId Silver = InstrumentId.Parse("COMEX:SI");
    private static readonly DateTimeOffset Start = new(2026, 3, 2, 9, 0, 0, TimeSpan.Zero);

    private readonly FakeTimeProvider _time = new(Start);
    private readonly RecordingRuleGrain _rule = new();

    [Fact]
    public void BarCloseRules_GetPerBarItsFirstTickTheLatestAndTheLast_WithThePipelinesBars()
    {
        var feed = Feed(evaluate: "bar");
        var pipeline = new InstrumentPipeline(Silver, [BarInterval.OneMinute], []);
        // One bar: an opener, two ticks, a later one, then one out of order (earlier, arriving last); then the next bar.
        double[] seconds = [0, 10, 20, 40, 30, 60];
        Store(feed, pipeline, seconds);

        feed.FeedIfDue();

        var sent = Assert.Single(_rule.Feeds);
        Assert.Equal([0, 40, 30, 60], sent.Ticks.Select(t => (t.Tick.Time - Start).TotalSeconds));
        Assert.Equal([1L, 4, 5, 6], sent.Ticks.Select(t => t.Index));
        Assert.Equal((0L, 6L), (sent.AfterIndex, sent.ThroughIndex));
        var closed = Assert.Single(sent.Ticks[^1].Closed!);
        Assert.Equal((BarInterval.OneMinute, Start, 40.0, 0.0, 5.0), (closed.Interval, closed.Bar.Time, closed.Bar.High, closed.Bar.Low, closed.Bar.Volume));
        Assert.All(sent.Ticks[..^1], t => Assert.Null(t.Closed));
    }

    [Fact]
    public void TickRules_GetEveryTick()
    {
        var feed = Feed(evaluate: "tick");
        Store(feed, new InstrumentPipeline(Silver, [BarInterval.OneMinute], []), [0, 10, 20, 40, 30]);

        feed.FeedIfDue();

        Assert.Equal(5, Assert.Single(_rule.Feeds).Ticks.Length);
    }

    [Fact]
    public void BarCloseRules_AreFedOnceASecondWithinABar_AndAtOnceWhenOneCloses()
    {
        var feed = Feed(evaluate: "bar");
        var pipeline = new InstrumentPipeline(Silver, [BarInterval.OneMinute], []);
        Store(feed, pipeline, [0, 10]);

        feed.FeedIfDue();
        _time.Advance(RuleGrainOptions.FeedInterval - TimeSpan.FromMilliseconds(100));
        Store(feed, pipeline, [20], firstIndex: 3);
        feed.FeedIfDue();
        int beforeInterval = _rule.Feeds.Count;
        _time.Advance(TimeSpan.FromMilliseconds(100));
        feed.FeedIfDue();
        int afterInterval = _rule.Feeds.Count;
        Store(feed, pipeline, [60], firstIndex: 4);
        feed.FeedIfDue();

        Assert.Equal(1, beforeInterval);
        Assert.Equal(2, afterInterval);
        Assert.Equal(3, _rule.Feeds.Count);
        Assert.Equal(3, _rule.Feeds[^1].AfterIndex);
    }

    private RuleGrainFeed Feed(string evaluate)
    {
        var rule = RuleJson.Parse(
            $$"""{"id":"spread","type":"spread","interval":"1m","evaluate":"{{evaluate}}","params":{"near":"COMEX:SI","far":"COMEX:GC","op":"above","value":1} }""").Rule!;
        var feed = new RuleGrainFeed(Silver, BarInterval.OneMinute, _ => _rule, _time, NullLogger.Instance);
        feed.Track(rule.Id, rule);
        feed.UpdateReaders(lastIndex: 0);
        return feed;
    }

    /// <summary>Ticks at these seconds after the start, priced by their second, through the pipeline and into the feed.</summary>
    private static void Store(RuleGrainFeed feed, InstrumentPipeline pipeline, double[] seconds, long firstIndex = 1)
    {
        var closed = new List<ClosedBar>();
        for (int i = 0; i < seconds.Length; i++)
        {
            var tick = new Tick(Silver, Start.AddSeconds(seconds[i]), seconds[i], 1);
            closed.Clear();
            var applied = pipeline.Apply(tick, closed) == TickDisposition.Applied;
            feed.Stored(tick, firstIndex + i, applied, closed);
        }
    }
}
