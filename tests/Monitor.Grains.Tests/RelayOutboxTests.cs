using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Monitor.Core.Market;
using Monitor.Core.Pipeline;

namespace Monitor.Grains.Tests;

/// <summary>How a silo's outbox coalesces, numbers and orders its instruments' messages, without a silo, on fake time.</summary>
public sealed class RelayOutboxTests : IAsyncDisposable
{
    private static readonly InstrumentId Silver = InstrumentId.Parse("COMEX:SI");
    private static readonly InstrumentId Gold = InstrumentId.Parse("COMEX:GC");

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 3, 2, 9, 0, 0, TimeSpan.Zero));
    private readonly InstrumentPipeline _silver = new(Silver, [BarInterval.OneMinute], []);
    private readonly InstrumentPipeline _gold = new(Gold, [BarInterval.OneMinute], []);
    private readonly RelayRecorder _relay = new();
    private readonly RelayOutbox _outbox;

    public RelayOutboxTests() => _outbox = new RelayOutbox(_relay, _time, NullLogger<RelayOutbox>.Instance);

    public ValueTask DisposeAsync() => _outbox.DisposeAsync();

    [Fact]
    public async Task ChangesWithinAnInterval_SendTheFirstAtOnce_AndTheLatestOfEachInstrumentOnceAtTheIntervalsEnd()
    {
        var silver = new QuotePublisher(_silver, _outbox, _time);
        var gold = new QuotePublisher(_gold, _outbox, _time);

        Apply(_silver, silver, 30.0, seq: 1);
        var first = await _relay.NextQuoteAsync();
        _time.Advance(TimeSpan.FromMilliseconds(4));
        Apply(_silver, silver, 30.5, seq: 2);
        Apply(_gold, gold, 2000.0, seq: 1);
        Apply(_silver, silver, 31.0, seq: 3);
        var within = _relay.Pushed(); // the loop waits for the fake clock: nothing can go out yet
        _time.Advance(RelayOutbox.Interval - TimeSpan.FromMilliseconds(4));
        var next = new[] { await _relay.NextQuoteAsync(), await _relay.NextQuoteAsync() };

        Assert.Equal(30.0, first.Price);
        Assert.Empty(within);
        Assert.Equal([("COMEX:SI", 31.0, first.Seq + 1), ("COMEX:GC", 2000.0, gold.Seq)], next.Select(q => (q.Instrument, q.Price, q.Seq)));
        Assert.Equal(first.Seq + 1, silver.Seq);
        Assert.Empty(_relay.Pushed());
    }

    [Fact]
    public async Task AnInventoryMessage_GoesAfterTheQuoteWaitingBeforeIt_NumberedInOrder()
    {
        var silver = new QuotePublisher(_silver, _outbox, _time);
        Apply(_silver, silver, 30.0, seq: 1);
        var first = await _relay.NextQuoteAsync();

        Apply(_silver, silver, 30.5, seq: 2);
        silver.Inventory([new InventoryRevision(
            new InventoryValue(Silver, "registered", new DateOnly(2026, 2, 27), _time.GetUtcNow(), 50, QuantityUnit.TroyOunce), InventoryChange.New, null)]);
        Apply(_silver, silver, 31.0, seq: 3);
        _time.Advance(RelayOutbox.Interval);
        var messages = new[] { await _relay.NextMessageAsync(), await _relay.NextMessageAsync(), await _relay.NextMessageAsync() };

        var quote = Assert.IsType<QuoteMessage>(messages[0]);
        var inventory = Assert.IsType<InventoryMessage>(messages[1]);
        var last = Assert.IsType<QuoteMessage>(messages[2]);
        Assert.Equal((30.5, first.Seq + 1), (quote.Price, quote.Seq));
        Assert.Equal(("registered", first.Seq + 2), (inventory.Series, inventory.Seq));
        Assert.Equal((31.0, first.Seq + 3), (last.Price, last.Seq));
    }

    [Fact]
    public async Task APublisherReplacingOne_NumbersOnAboveIt_WithAGap()
    {
        var replaced = new QuotePublisher(_silver, _outbox, _time, after: long.MaxValue / 2);

        Apply(_silver, replaced, 30.0, seq: 1);

        Assert.Equal(long.MaxValue / 2 + 3, (await _relay.NextQuoteAsync()).Seq);
        Assert.Equal(long.MaxValue / 2 + 3, replaced.Snapshot().Seq);
    }

    private void Apply(InstrumentPipeline pipeline, QuotePublisher publisher, double price, long seq)
    {
        pipeline.Apply(new Tick(pipeline.Instrument, _time.GetUtcNow(), price, 1, seq), []);
        publisher.Changed();
    }
}
