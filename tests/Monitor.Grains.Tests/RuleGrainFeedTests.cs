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
    private readonly Dictionary<string, RecordingRuleGrain> _grains = [];

    [Fact]
    public void BarCloseRules_GetTheClosedBarsOfTheirInterval_AndPerBarOnlyTheTicksThatOpenedItAndSetItsClose()
    {
        var feed = Feed(Spread("spread", "bar"));
        var pipeline = new InstrumentPipeline(Silver, [BarInterval.OneMinute], []);
        // One bar: an opener, two ticks, a later one, then one out of order (earlier, arriving last); then the next bar.
        Store(feed, pipeline, [0, 10, 20, 40, 30, 60]);

        feed.FeedIfDue();

        var sent = Assert.Single(_grains["spread"].Feeds);
        var bar = Assert.Single(sent.Bars);
        Assert.Equal((Start, 0.0, 40.0, 0.0, 40.0, 5.0), (bar.Bar.Time, bar.Bar.Open, bar.Bar.High, bar.Bar.Low, bar.Bar.Close, bar.Bar.Volume));
        Assert.Equal((6L, Start.AddSeconds(60)), (bar.Index, bar.ClosedAt));
        // The ticks that opened the closed bar and set its close, and the one that opened the next bar.
        Assert.Equal([(1L, 0.0), (4L, 40.0), (6L, 60.0)], sent.Ticks.Select(t => (t.Index, (t.Tick.Time - Start).TotalSeconds)));
        Assert.Equal((0L, 6L), (sent.AfterIndex, sent.ThroughIndex));
    }

    [Fact]
    public void BarCloseRules_GetTheTickSettingTheOpenBarsCloseOnlyWhenALaterOneTookItsPlace()
    {
        var feed = Feed(Spread("spread", "bar"));
        var pipeline = new InstrumentPipeline(Silver, [BarInterval.OneMinute], []);
        Store(feed, pipeline, [0, 20]);
        feed.FeedIfDue();
        _time.Advance(RuleGrainOptions.FeedInterval);
        Store(feed, pipeline, [10], firstIndex: 3);
        feed.FeedIfDue();
        _time.Advance(RuleGrainOptions.FeedInterval);
        Store(feed, pipeline, [30], firstIndex: 4);
        feed.FeedIfDue();

        var feeds = _grains["spread"].Feeds;
        Assert.Equal(3, feeds.Count);
        Assert.Equal([1L, 2], feeds[0].Ticks.Select(t => t.Index));
        Assert.Empty(feeds[1].Ticks);
        Assert.Equal(3, feeds[1].ThroughIndex);
        Assert.Equal([4L], feeds[2].Ticks.Select(t => t.Index));
        Assert.All(feeds, f => Assert.Empty(f.Bars));
    }

    [Fact]
    public void TickRules_GetEveryTick_AndTheBarsBeforeTheTicksThatClosedThem()
    {
        var feed = Feed(Spread("spread", "tick"));
        Store(feed, new InstrumentPipeline(Silver, [BarInterval.OneMinute], []), [0, 10, 20, 40, 30, 60]);

        feed.FeedIfDue();

        var sent = Assert.Single(_grains["spread"].Feeds);
        Assert.Equal([1L, 2, 3, 4, 5, 6], sent.Ticks.Select(t => t.Index));
        Assert.Equal(6, Assert.Single(sent.Bars).Index);
    }

    [Fact]
    public void RuleReadingTheInstrumentThroughAnIndicatorOnly_GetsItsBarsAndNoTicks()
    {
        var rule = RuleJson.Parse("""
            {"id":"ema-cross","type":"indicatorCross","interval":"1m","params":{"fast":"COMEX:GC@ema(5)","slow":"COMEX:SI@ema(5)","direction":"both"}}
            """).Rule!;
        var feed = Feed(rule);
        Store(feed, new InstrumentPipeline(Silver, [BarInterval.OneMinute], []), [0, 30, 60, 90, 120]);

        feed.FeedIfDue();

        var sent = Assert.Single(_grains["ema-cross"].Feeds);
        Assert.Empty(sent.Ticks);
        Assert.Equal([(3L, Start), (5L, Start.AddMinutes(1))], sent.Bars.Select(b => (b.Index, b.Bar.Time)));
    }

    [Fact]
    public void RulesOnDifferentIntervals_EachGetTheBarsOfTheirOwn()
    {
        var feed = Feed(Spread("minute", "bar"), Spread("hour", "bar", "1h"));
        var pipeline = new InstrumentPipeline(Silver, [BarInterval.OneMinute, BarInterval.OneHour], []);
        Store(feed, pipeline, [0, 60, 3_600]);

        feed.FeedIfDue();

        Assert.Equal([Start, Start.AddMinutes(1)], Assert.Single(_grains["minute"].Feeds).Bars.Select(b => b.Bar.Time));
        var hourly = Assert.Single(Assert.Single(_grains["hour"].Feeds).Bars);
        Assert.Equal((BarInterval.OneHour.Length, 3L), (hourly.ClosedAt - hourly.Bar.Time, hourly.Index));
    }

    [Fact]
    public void BarCloseRules_AreFedOnceASecondWithinABar_AndAtOnceWhenOneCloses()
    {
        var feed = Feed(Spread("spread", "bar"));
        var pipeline = new InstrumentPipeline(Silver, [BarInterval.OneMinute], []);
        Store(feed, pipeline, [0, 10]);

        feed.FeedIfDue();
        _time.Advance(RuleGrainOptions.FeedInterval - TimeSpan.FromMilliseconds(100));
        Store(feed, pipeline, [20], firstIndex: 3);
        feed.FeedIfDue();
        int beforeInterval = _grains["spread"].Feeds.Count;
        _time.Advance(TimeSpan.FromMilliseconds(100));
        feed.FeedIfDue();
        int afterInterval = _grains["spread"].Feeds.Count;
        Store(feed, pipeline, [60], firstIndex: 4);
        feed.FeedIfDue();

        Assert.Equal(1, beforeInterval);
        Assert.Equal(2, afterInterval);
        Assert.Equal(3, _grains["spread"].Feeds.Count);
        Assert.Equal(3, _grains["spread"].Feeds[^1].AfterIndex);
    }

    private static RuleDefinition Spread(string id, string evaluate, string interval = "1m") => RuleJson.Parse(
        $$"""{"id":"{{id}}","type":"spread","interval":"{{interval}}","evaluate":"{{evaluate}}","params":{"near":"COMEX:SI","far":"COMEX:GC","op":"above","value":1} }""").Rule!;

    private RuleGrainFeed Feed(params RuleDefinition[] rules)
    {
        var feed = new RuleGrainFeed(Silver, id => _grains.TryGetValue(id, out var grain) ? grain : _grains[id] = new RecordingRuleGrain(), _time, NullLogger.Instance);
        foreach (var rule in rules)
        {
            feed.Track(rule.Id, rule);
        }

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
