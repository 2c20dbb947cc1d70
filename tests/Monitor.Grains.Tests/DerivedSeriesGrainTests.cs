using Microsoft.Extensions.Logging.Abstractions;
using Monitor.Core.Backtesting;
using Monitor.Core.Market;
using Monitor.Core.Pipeline;
using Monitor.Core.Ports;
using Monitor.Grains.Derived;
using Monitor.Grains.Rules;
using Monitor.Storage;

namespace Monitor.Grains.Tests;

/// <summary>
/// A derived series' grain merging its inputs' feeds: whatever the lag of a feed, the series' stored ticks and bars are
/// what a backtest computes from its inputs' stored ticks.
/// </summary>
public sealed class DerivedSeriesGrainTests : IAsyncLifetime
{
    private static readonly InstrumentId Gold = InstrumentId.Parse("COMEX:GC");
    private static readonly InstrumentId Silver = InstrumentId.Parse("COMEX:SI");
    private static readonly InstrumentDefinition Ratio = new(
        InstrumentId.Parse("X:GSR"), "Gold/silver ratio", InstrumentKind.Derived, "", "ratio", [BarInterval.OneMinute], PreciousMetal: false)
    {
        Expression = "COMEX:GC / COMEX:SI",
    };

    private static readonly TimeSpan PastInputIdleAfter = new RuleGrainOptions().InputIdleAfter + TimeSpan.FromMilliseconds(500);

    private readonly GrainCluster _cluster = new();
    private IDerivedSeriesGrain _series = null!;

    private DateTimeOffset Start => _cluster.Time.GetUtcNow();

    public async Task InitializeAsync()
    {
        await _cluster.InitializeAsync();
        await _cluster.Grains.GetGrain<IInstrumentRegistryGrain>(0).PutAsync(InstrumentRecord.From(Ratio));
        // Defined now, as POST /api/v1/series does: the series starts from its inputs' next ticks.
        _series = _cluster.Grains.GetGrain<IDerivedSeriesGrain>(Ratio.Id.Value);
        await _series.GetNotReadyAsync();
    }

    public Task DisposeAsync() => _cluster.DisposeAsync();

    /// <summary>
    /// Silver's grain stored its ticks, but its feed is late past <see cref="RuleGrainOptions.InputIdleAfter"/> (a busy
    /// silo): before the series is computed from gold's ticks without waiting for silver, silver's stored ticks are read
    /// and merged in. The late feed then changes nothing.
    /// </summary>
    [Fact]
    public async Task FeedLateWhileItsTicksAreStored_TheStoredTicksAreMergedIn_AsABacktestComputesThem()
    {
        var gold = await StoreAsync(Gold, count: 180, offset: 0, i => 2_400 + (60 * Math.Sin(i * 2 * Math.PI / 12)));
        var silver = await StoreAsync(Silver, count: 180, offset: 5, i => 30 + (0.5 * Math.Cos(i * 2 * Math.PI / 9)));

        await FeedAsync(Gold, gold);
        _cluster.Time.Advance(PastInputIdleAfter);
        await _series.GetNotReadyAsync(); // queued behind the idle check the advance fired
        await FeedAsync(Silver, silver);

        var live = await AssertComputedAsABacktestComputesAsync();
        Assert.Equal(359, live); // every input tick but gold's first, before silver had a price
        Assert.Equal((0, 1), (_cluster.GrainTicks.Reads(Gold), _cluster.GrainTicks.Reads(Silver)));
    }

    /// <summary>
    /// Silver stops ticking (its market closed): gold's later ticks wait for it, then, once it has been quiet for
    /// <see cref="RuleGrainOptions.InputIdleAfter"/> with nothing stored past what it sent, go on with its last price.
    /// </summary>
    [Fact]
    public async Task QuietInputWithNothingStoredPastWhatItSent_IsPassedAfterInputIdleAfter()
    {
        var silver = await StoreAsync(Silver, count: 6, offset: 5, i => 30 + (0.1 * i));
        var gold = await StoreAsync(Gold, count: 60, offset: 0, i => 2_400 + i);

        await FeedAsync(Silver, silver);
        await FeedAsync(Gold, gold);
        _cluster.Time.Advance(PastInputIdleAfter - TimeSpan.FromSeconds(1));
        var waiting = await ReadLiveAsync();
        _cluster.Time.Advance(TimeSpan.FromSeconds(1));
        await _series.GetNotReadyAsync(); // queued behind the idle check the advance fired

        // Gold's ticks at 0 to 50 s with silver's at 5 to 55 s; the tick at 60 s waits for silver's next.
        Assert.Equal(11, waiting.Length);
        Assert.Equal(65, await AssertComputedAsABacktestComputesAsync());
        Assert.Equal(0, _cluster.GrainTicks.Reads(Silver));
    }

    /// <summary>Stores <paramref name="count"/> ticks, one every 10 s from <paramref name="offset"/> seconds, as the instrument's grain stores them.</summary>
    private async Task<StoredTick[]> StoreAsync(InstrumentId instrument, int count, int offset, Func<int, double> price)
    {
        var ticks = Enumerable.Range(0, count)
            .Select(i => new StoredTick(i + 1, Start.AddSeconds(offset + (10 * i)), price(i), 1, i + 1, Late: false))
            .ToArray();
        await _cluster.Store.Ticks.AppendAsync(instrument, ticks);
        return ticks;
    }

    /// <summary>Feeds the series what the instrument's grain stored, as the grain does once it stored them.</summary>
    private Task FeedAsync(InstrumentId instrument, StoredTick[] stored) =>
        new DerivedSeriesFeed(instrument, [_series], NullLogger.Instance).StoredAsync(0, stored[^1].Index, stored);

    /// <summary>The series' ticks as its grain stored them.</summary>
    private async Task<Tick[]> ReadLiveAsync() =>
        [.. await _cluster.Store.Ticks.ReadAfterAsync(Ratio.Id, 0).Select(t => new Tick(Ratio.Id, t.Time, t.Price, t.Volume, t.Seq)).ToListAsync()];

    /// <summary>Asserts the series' stored ticks and one-minute bars are those a backtest computes from the stored inputs; returns how many ticks.</summary>
    private async Task<int> AssertComputedAsABacktestComputesAsync()
    {
        var catalog = InstrumentCatalog.BuiltIn();
        catalog.Put(Ratio);
        var backtest = new List<Tick>();
        await foreach (var block in DerivedSeriesSource.Over(new StoreBacktestSource(_cluster.Store), catalog)
            .ReadTicksAsync(Ratio.Id, DateTimeOffset.MinValue, DateTimeOffset.MaxValue, CancellationToken.None))
        {
            backtest.AddRange(block.ToArray());
        }

        var pipeline = new InstrumentPipeline(Ratio.Id, Ratio.Intervals, []);
        var closed = new List<ClosedBar>();
        var bars = new List<Bar>();
        foreach (var tick in backtest)
        {
            closed.Clear();
            pipeline.Apply(tick, closed);
            bars.AddRange(closed.Select(c => c.Bar));
        }

        var live = await ReadLiveAsync();
        Assert.Equal(backtest, live);
        Assert.Equal(bars, await _cluster.Store.Bars.ReadAsync(Ratio.Id, BarInterval.OneMinute, DateTimeOffset.MinValue, DateTimeOffset.MaxValue, 10_000));
        return live.Length;
    }
}
