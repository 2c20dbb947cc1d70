using Microsoft.Extensions.Logging.Abstractions;
using Monitor.Core.Market;
using Monitor.Core.Ports;
using Monitor.Grains.Derived;
using Monitor.Grains.Rules;

namespace Monitor.Grains.Tests;

/// <summary>What an instrument grain sends the derived series that read its instrument, without a silo.</summary>
public sealed class DerivedSeriesFeedTests
{
    private static readonly InstrumentId Silver = InstrumentId.Parse("COMEX:SI");
    private static readonly DateTimeOffset Start = new(2026, 3, 2, 9, 0, 0, TimeSpan.Zero);

    private readonly RecordingSeries _series = new();

    [Fact]
    public async Task StoredTicks_AreFedUnderTheirIndices_WithoutTheLateOnes_AndNothingWhenNoneWereStored()
    {
        var feed = new DerivedSeriesFeed(Silver, [_series], NullLogger.Instance);

        await feed.StoredAsync(4, 7, [Stored(5, late: false), Stored(6, late: true), Stored(7, late: false)]);
        await feed.StoredAsync(7, 7, []);

        var sent = Assert.Single(_series.Feeds);
        Assert.Equal((Silver, 4L, 7L), (sent.Instrument, sent.AfterIndex, sent.ThroughIndex));
        Assert.Equal([5L, 7L], sent.Ticks.Select(t => t.Index));
        Assert.Equal(Start.AddSeconds(7), sent.Ticks[^1].Tick.Time);
    }

    [Fact]
    public async Task ASeriesThatFails_DoesNotFailTheFeed()
    {
        var feed = new DerivedSeriesFeed(Silver, [new RecordingSeries { Fails = true }, _series], NullLogger.Instance);

        await feed.InventoryAsync(new InventoryBatch([], Start));

        Assert.Equal(1, _series.InventoryBatches);
    }

    private static StoredTick Stored(long index, bool late) => new(index, Start.AddSeconds(index), 30 + index, 1, index, late);

    private sealed class RecordingSeries : IDerivedSeriesGrain
    {
        public bool Fails { get; init; }

        public List<RuleFeed> Feeds { get; } = [];

        public int InventoryBatches { get; private set; }

        public Task FeedAsync(RuleFeed feed)
        {
            Feeds.Add(feed);
            return Task.CompletedTask;
        }

        public Task FeedInventoryAsync(InventoryBatch batch)
        {
            InventoryBatches++;
            return Fails ? Task.FromException(new InvalidOperationException("its silo died")) : Task.CompletedTask;
        }

        public Task<string?> GetNotReadyAsync() => Task.FromResult<string?>(null);

        public Task ReloadAsync() => Task.CompletedTask;
    }
}
