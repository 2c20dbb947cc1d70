using Monitor.Core.Backtesting;
using Monitor.Core.Market;
using Monitor.Core.Ports;
using Monitor.Storage.Tests.Infrastructure;
using static Monitor.Storage.Tests.Infrastructure.TestData;

namespace Monitor.Storage.Tests;

/// <summary>The bulk reads replays and backtests use, on every provider (subclasses at the end of this file).</summary>
public abstract class BulkReadBehaviourTests<TFixture>(TFixture fixture)
    where TFixture : StoreFixture
{
    private ITickStore Ticks => fixture.Store.Ticks;

    private static async Task<List<StoredTick>> ReadBlocksAsync(ITickStore store, InstrumentId instrument, DateTimeOffset from, DateTimeOffset to)
    {
        var read = new List<StoredTick>();
        await foreach (var block in store.ReadBlocksAsync(instrument, from, to))
        {
            read.AddRange(block.ToArray());
        }

        return read;
    }

    [Fact]
    public async Task ReadBlocks_EveryTickOverSeveralBlocks_InIndexOrder()
    {
        var instrument = NewInstrument();
        var ticks = TestData.Ticks(1, 10_000);
        await Ticks.AppendAsync(instrument, ticks);

        var read = await ReadBlocksAsync(Ticks, instrument, DateTimeOffset.UnixEpoch, DateTimeOffset.MaxValue);

        Assert.Equal(ticks, read);
    }

    [Fact]
    public async Task ReadBlocks_Range_TicksInsideInIndexOrder_OutOfOrderTimesIncluded()
    {
        var instrument = NewInstrument();
        StoredTick[] ticks =
        [
            new(1, T0, 1, 0, 0, false),
            new(2, T0.AddMinutes(2), 2, 0, 0, false),
            new(3, T0.AddMinutes(1), 3, 0, 0, true),
            new(4, T0.AddMinutes(3), 4, 0, 0, false),
            new(5, T0.AddMinutes(1).AddSeconds(30), 5, 0, 0, true),
            new(6, T0.AddMinutes(4), 6, 0, 0, false),
        ];
        await Ticks.AppendAsync(instrument, ticks);

        var read = await ReadBlocksAsync(Ticks, instrument, T0.AddMinutes(1), T0.AddMinutes(3));

        Assert.Equal([2, 3, 5], read.Select(t => t.Index));
        Assert.Equal(await Ticks.ReadRangeAsync(instrument, T0.AddMinutes(1), T0.AddMinutes(3)).ToListAsync(), read);
        Assert.Empty(await ReadBlocksAsync(Ticks, instrument, T0.AddDays(1), T0.AddDays(2)));
    }

    [Fact]
    public async Task ReadBlocks_StoppedAfterTheFirstBlock_ReleasesTheReader()
    {
        var instrument = NewInstrument();
        await Ticks.AppendAsync(instrument, TestData.Ticks(1, 20_000));

        await foreach (var block in Ticks.ReadBlocksAsync(instrument, DateTimeOffset.UnixEpoch, DateTimeOffset.MaxValue))
        {
            Assert.Equal(1, block.Span[0].Index);
            break;
        }

        // The store still reads and writes (a reader left open would hold a connection or a transaction).
        await Ticks.AppendAsync(instrument, TestData.Ticks(20_001, 1));
        Assert.Equal(20_001, (await Ticks.GetMarkAsync(instrument)).LastIndex);
    }

    [Fact]
    public async Task FindExtent_FirstAndLastTimeInTheRange()
    {
        var instrument = NewInstrument();
        StoredTick[] ticks = [new(1, T0.AddMinutes(5), 1, 0, 0, false), new(2, T0, 1, 0, 0, false), new(3, T0.AddMinutes(9), 1, 0, 0, false)];
        await Ticks.AppendAsync(instrument, ticks);

        Assert.Equal(new DataExtent(T0, T0.AddMinutes(9)), await Ticks.FindExtentAsync(instrument, DateTimeOffset.UnixEpoch, DateTimeOffset.MaxValue));
        Assert.Equal(new DataExtent(T0.AddMinutes(5), T0.AddMinutes(5)), await Ticks.FindExtentAsync(instrument, T0.AddMinutes(1), T0.AddMinutes(9)));
        Assert.Null(await Ticks.FindExtentAsync(instrument, T0.AddMinutes(10), T0.AddMinutes(11)));
        Assert.Null(await Ticks.FindExtentAsync(NewInstrument(), DateTimeOffset.UnixEpoch, DateTimeOffset.MaxValue));
    }

    [Fact]
    public async Task BarsReadRange_EveryBarInTheRange_OldestFirst()
    {
        var instrument = NewInstrument();
        var bars = Enumerable.Range(0, 50).Select(i => new Bar(T0.AddDays(i), 10 + i, 11 + i, 9 + i, 10.5 + i, i)).ToArray();
        await fixture.Store.Bars.UpsertAsync(instrument, BarInterval.OneDay, bars.Reverse().ToArray());
        await fixture.Store.Bars.UpsertAsync(instrument, BarInterval.OneHour, [bars[0]]);

        var read = await fixture.Store.Bars.ReadRangeAsync(instrument, BarInterval.OneDay, T0.AddDays(10), T0.AddDays(40)).ToListAsync();

        Assert.Equal(bars[10..40], read);
    }
}

public sealed class SqliteBulkReadTests(SqliteStoreFixture fixture)
    : BulkReadBehaviourTests<SqliteStoreFixture>(fixture), IClassFixture<SqliteStoreFixture>;

public sealed class PostgresBulkReadTests(PostgresStoreFixture fixture)
    : BulkReadBehaviourTests<PostgresStoreFixture>(fixture), IClassFixture<PostgresStoreFixture>;
