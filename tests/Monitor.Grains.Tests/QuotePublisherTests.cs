using Microsoft.Extensions.Time.Testing;
using Monitor.Core.Market;
using Monitor.Core.Pipeline;

namespace Monitor.Grains.Tests;

/// <summary>How an instrument's quotes are coalesced and numbered, without a silo: the flush the grain would schedule is run by hand.</summary>
public sealed class QuotePublisherTests
{
    private static readonly InstrumentId Silver = InstrumentId.Parse("COMEX:SI");

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 3, 2, 9, 0, 0, TimeSpan.Zero));
    private readonly InstrumentPipeline _pipeline = new(Silver, [BarInterval.OneMinute], []);
    private readonly RelayRecorder _relay = new();
    private readonly List<TimeSpan> _scheduled = [];

    [Fact]
    public async Task ChangesWithinAnInterval_SendTheFirstAtOnce_AndTheLatestOnceByOneFlushAtTheIntervalsEnd()
    {
        var publisher = new QuotePublisher(_pipeline, _relay, _time, _scheduled.Add);

        await ApplyAsync(publisher, 30.0, seq: 1);
        var first = _relay.Pushed();
        _time.Advance(TimeSpan.FromMilliseconds(4));
        await ApplyAsync(publisher, 30.5, seq: 2);
        await ApplyAsync(publisher, 31.0, seq: 3);
        var within = _relay.Pushed();
        _time.Advance(_scheduled.Single());
        await publisher.FlushAsync();
        await publisher.FlushAsync(); // the grain's backstop timer: nothing waits any more
        var flushed = _relay.Pushed();

        Assert.Equal(30.0, Assert.Single(first).Price);
        Assert.Empty(within);
        Assert.Equal([QuotePublisher.Interval - TimeSpan.FromMilliseconds(4)], _scheduled);
        var latest = Assert.Single(flushed);
        Assert.Equal((31.0, first[0].Seq + 1), (latest.Price, latest.Seq));
    }

    [Fact]
    public async Task APublisherReplacingOne_NumbersOnAboveIt_WithAGap()
    {
        var replaced = new QuotePublisher(_pipeline, _relay, _time, _scheduled.Add, after: long.MaxValue / 2);

        await ApplyAsync(replaced, 30.0, seq: 1);

        Assert.Equal(long.MaxValue / 2 + 2, Assert.Single(_relay.Pushed()).Seq);
        Assert.Equal(long.MaxValue / 2 + 2, replaced.Snapshot().Seq);
    }

    private Task ApplyAsync(QuotePublisher publisher, double price, long seq)
    {
        _pipeline.Apply(new Tick(Silver, _time.GetUtcNow(), price, 1, seq), []);
        return publisher.ChangedAsync();
    }
}
