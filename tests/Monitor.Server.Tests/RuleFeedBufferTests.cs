using Monitor.Core.Market;
using Monitor.Grains.Rules;

namespace Monitor.Server.Tests;

/// <summary>The compressed feed from an instrument grain to its rule grains builds the same bars as every tick.</summary>
public sealed class RuleFeedBufferTests
{
    private static readonly InstrumentId Silver = InstrumentId.Parse("COMEX:SI");
    private static readonly DateTimeOffset Start = new(2026, 3, 2, 10, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void CompressedFeeds_BuildTheSameBarsAndEndOnTheSamePrice(int seed)
    {
        var random = new Random(seed);
        var buffer = new RuleFeedBuffer();
        buffer.Reset(0, BarInterval.OneMinute);
        var all = new List<Tick>();
        var fed = new List<RuleFeed>();
        for (int index = 1; index <= 5_000; index++)
        {
            // Ticks mostly in time order, some out of order within the minute, a few late ones (stored, not applied).
            var time = Start.AddSeconds((index / 10.0) - (random.NextDouble() < 0.2 ? random.NextDouble() * 3 : 0));
            var tick = new Tick(Silver, time, Math.Round(30 + (random.NextDouble() * 2), 3), random.Next(1, 9));
            bool applied = random.NextDouble() > 0.02;
            buffer.Stored(tick, index, applied);
            if (applied)
            {
                all.Add(tick);
            }

            if (random.NextDouble() < 0.01)
            {
                fed.Add(buffer.Take(Silver));
            }
        }

        fed.Add(buffer.Take(Silver));

        Assert.Equal(0, fed[0].AfterIndex);
        Assert.Equal(5_000, fed[^1].ThroughIndex);
        Assert.All(fed.Zip(fed.Skip(1)), pair => Assert.Equal(pair.First.ThroughIndex, pair.Second.AfterIndex));
        var compressed = fed.SelectMany(f => f.Ticks).ToList();
        Assert.True(compressed.Count < all.Count / 5, $"{compressed.Count} of {all.Count} ticks sent");
        Assert.Equal(Bars(all), Bars(compressed));
        Assert.Equal((all[^1].Time, all[^1].Price), (compressed[^1].Time, compressed[^1].Price));
        Assert.Equal(all.Sum(t => t.Volume), compressed.Sum(t => t.Volume));
    }

    [Fact]
    public void WithoutAGrid_EveryTickIsFed()
    {
        var buffer = new RuleFeedBuffer();
        buffer.Reset(10, grid: null);
        for (int i = 0; i < 100; i++)
        {
            buffer.Stored(new Tick(Silver, Start.AddSeconds(i), 30 + i, 1), 11 + i, applied: true);
        }

        var feed = buffer.Take(Silver);
        Assert.Equal(100, feed.Ticks.Length);
        Assert.Equal(Enumerable.Range(11, 100).Select(i => (long)i), feed.Indexes);
    }

    private static List<Bar> Bars(IEnumerable<Tick> ticks)
    {
        var aggregator = new BarAggregator(BarInterval.OneMinute);
        var bars = new List<Bar>();
        foreach (var tick in ticks)
        {
            if (aggregator.Add(tick, out var closed) == BarUpdate.Closed)
            {
                bars.Add(closed);
            }
        }

        bars.Add(aggregator.OpenBar!.Value);
        return bars;
    }
}
