using Monitor.Core.Market;
using Monitor.Core.Ports;
using Monitor.Storage.Tests.Infrastructure;
using static Monitor.Storage.Tests.Infrastructure.TestData;

namespace Monitor.Storage.Tests;

/// <summary>The stores' contract, run against every provider (see the subclasses at the end of this file).</summary>
public abstract class StoreBehaviourTests<TFixture>(TFixture fixture)
    where TFixture : StoreFixture
{
    protected TFixture Fixture { get; } = fixture;

    private ITickStore Ticks => Fixture.Store.Ticks;

    private IBarStore Bars => Fixture.Store.Bars;

    private IInventoryStore Inventory => Fixture.Store.Inventory;

    [Fact]
    public async Task SnapshotPut_ReplacesTheInstrumentsSnapshot_ReadAllGivesEachOnesLatest()
    {
        var (traded, quiet) = (NewInstrument(), NewInstrument());
        var first = new InstrumentSnapshotRecord(traded, "1m", 82.57, T0, 1.25, new Dictionary<string, double> { ["rsi(14)"] = 55.5, ["macd(12,26,9).signal"] = -0.125 }, 17);
        var latest = first with { Price = 0.1 + 0.2, Time = T0.AddTicks(1_234_560), ChangePct = -3.5, Indicators = new Dictionary<string, double> { ["rsi(14)"] = 56 }, Seq = 18 };
        var empty = new InstrumentSnapshotRecord(quiet, "1h", null, null, null, new Dictionary<string, double>(), 5);

        await Fixture.Store.Snapshots.PutAsync(first);
        await Fixture.Store.Snapshots.PutAsync(latest);
        await Fixture.Store.Snapshots.PutAsync(empty);
        var read = (await Fixture.Store.Snapshots.ReadAllAsync()).ToDictionary(s => s.Instrument);

        foreach (var expected in new[] { latest, empty })
        {
            var actual = read[expected.Instrument];
            Assert.Equal(expected with { Indicators = actual.Indicators }, actual);
            Assert.Equal(expected.Indicators.OrderBy(p => p.Key), actual.Indicators.OrderBy(p => p.Key));
        }

        await Assert.ThrowsAsync<ArgumentException>(() => Fixture.Store.Snapshots.PutAsync(latest with { ChangePct = double.NaN }));
    }

    [Fact]
    public async Task InstrumentDefinitions_PutReplacesAndRemoveDeletes_ReadAllGivesEveryFieldBack()
    {
        var (added, series) = (NewInstrument(), NewInstrument());
        var instrument = new InstrumentDefinition(added, "Sprott Physical Silver", InstrumentKind.Etf, "USD", "USD/share", [BarInterval.OneMinute], PreciousMetal: true);
        var ratio = new InstrumentDefinition(series, "Gold/silver ratio", InstrumentKind.Derived, "", "ratio", [BarInterval.OneMinute, BarInterval.OneDay], false)
        {
            Expression = "COMEX:GC / COMEX:SI",
        };

        await Fixture.Store.Instruments.PutAsync([instrument, ratio with { Name = "before" }]);
        await Fixture.Store.Instruments.PutAsync([ratio]);
        var read = (await Fixture.Store.Instruments.ReadAllAsync()).Where(d => d.Id == added || d.Id == series).ToDictionary(d => d.Id);

        Assert.Equal(2, read.Count);
        foreach (var expected in new[] { instrument, ratio })
        {
            var actual = read[expected.Id];
            Assert.Equal(expected.Intervals.Select(i => i.Name), actual.Intervals.Select(i => i.Name));
            Assert.Equal(expected with { Intervals = actual.Intervals }, actual);
        }

        Assert.True(await Fixture.Store.Instruments.RemoveAsync(series));
        Assert.False(await Fixture.Store.Instruments.RemoveAsync(series));
        Assert.DoesNotContain(await Fixture.Store.Instruments.ReadAllAsync(), d => d.Id == series);
    }

    [Fact]
    public async Task AppendThenReadAfter_ExactValues_RoundTrip()
    {
        var instrument = NewInstrument();
        StoredTick[] ticks =
        [
            new(1, new DateTimeOffset(2026, 1, 14, 15, 30, 0, TimeSpan.Zero).AddTicks(1_234_560), 0.1 + 0.2, 0, 0, false),
            new(2, new DateTimeOffset(2026, 1, 14, 16, 30, 0, TimeSpan.FromHours(1)).AddTicks(1_234_570), 82.57, 12.5, 1234, true),
            new(3, DateTimeOffset.UnixEpoch.AddTicks(10), 1e-9, double.Epsilon, long.MaxValue, false),
            new(4, new DateTimeOffset(2099, 12, 31, 23, 59, 59, TimeSpan.Zero).AddTicks(9_999_990), 123456.78901234567, 1e300, 7, false),
        ];

        await Ticks.AppendAsync(instrument, ticks);

        var read = await Ticks.ReadAfterAsync(instrument, 0).ToListAsync();
        Assert.Equal(ticks, read);
        Assert.All(read, tick => Assert.Equal(TimeSpan.Zero, tick.Time.Offset));
    }

    [Fact]
    public async Task Append_SubMicrosecondTime_StoredTruncatedToMicroseconds()
    {
        var instrument = NewInstrument();
        var time = T0.AddTicks(1_234_567); // 123456.7 microseconds

        await Ticks.AppendAsync(instrument, new[] { new StoredTick(1, time, 80, 1, 1, false) });

        var read = Assert.Single(await Ticks.ReadAfterAsync(instrument, 0).ToListAsync());
        Assert.Equal(T0.AddTicks(1_234_560), read.Time);
    }

    [Fact]
    public async Task AppendAgain_IndicesAlreadyStored_AreNoOps()
    {
        var instrument = NewInstrument();
        var first = Ticks(1, 5);
        await Ticks.AppendAsync(instrument, first);

        await Ticks.AppendAsync(instrument, first);
        // Indices 3-5 again with other values, then 6-72 new: only 6-72 are stored.
        var overlapping = Ticks(3, 70, basePrice: 1000);
        await Ticks.AppendAsync(instrument, overlapping);

        var read = await Ticks.ReadAfterAsync(instrument, 0).ToListAsync();
        Assert.Equal([.. first, .. overlapping[3..]], read);
        Assert.Equal(new TickMark(72, 720), await Ticks.GetMarkAsync(instrument));
    }

    [Fact]
    public async Task Append_SameTicksTwiceAtOnce_StoredOnce()
    {
        var instrument = NewInstrument();
        var ticks = Ticks(1, 20);

        // A retry sent while the first call is still queued: both may land in one batch.
        await Task.WhenAll(Ticks.AppendAsync(instrument, ticks).AsTask(), Ticks.AppendAsync(instrument, ticks.AsMemory(10..)).AsTask());

        Assert.Equal(ticks, await Ticks.ReadAfterAsync(instrument, 0).ToListAsync());
        Assert.Equal(new TickMark(20, 200), await Ticks.GetMarkAsync(instrument));
    }

    [Fact]
    public async Task AppendAgain_OnlyStoredIndices_LeaveMarkUnchanged()
    {
        var instrument = NewInstrument();
        await Ticks.AppendAsync(instrument, Ticks(1, 3));

        await Ticks.AppendAsync(instrument, new[] { new StoredTick(2, T0, 90, 1, 999, false) });

        Assert.Equal(new TickMark(3, 30), await Ticks.GetMarkAsync(instrument));
    }

    [Fact]
    public async Task Append_From50ConcurrentTasks_AllStoredCompleteAndDurable()
    {
        const int Tasks = 50;
        const int Calls = 20;
        const int PerCall = 50;
        var instruments = Enumerable.Range(0, Tasks).Select(_ => NewInstrument()).ToArray();

        await Task.WhenAll(instruments.Select(instrument => Task.Run(async () =>
        {
            for (int call = 0; call < Calls; call++)
            {
                await Ticks.AppendAsync(instrument, Ticks(call * PerCall + 1, PerCall));
            }
        })));

        await using var reopened = await Fixture.OpenAsync();
        foreach (var instrument in instruments)
        {
            var read = await reopened.Ticks.ReadAfterAsync(instrument, 0).ToListAsync();
            Assert.Equal(Ticks(1, Calls * PerCall), read);
            Assert.Equal(new TickMark(Calls * PerCall, Calls * PerCall * 10), await reopened.Ticks.GetMarkAsync(instrument));
        }
    }

    [Fact]
    public async Task GetMark_SeqNotIncreasing_ReturnsHighestIndexAndHighestSeq()
    {
        var instrument = NewInstrument();
        await Ticks.AppendAsync(instrument, new StoredTick[] { new(1, T0, 80, 1, 5, false), new(2, T0, 80, 1, 9, false) });
        await Ticks.AppendAsync(instrument, new StoredTick[] { new(3, T0, 80, 1, 7, false) });

        Assert.Equal(new TickMark(3, 9), await Ticks.GetMarkAsync(instrument));
    }

    [Fact]
    public async Task GetMark_NothingStored_IsZero()
    {
        Assert.Equal(new TickMark(0, 0), await Ticks.GetMarkAsync(NewInstrument()));
    }

    [Fact]
    public async Task ReadAfter_Index_ReturnsLaterTicksInIndexOrder()
    {
        var instrument = NewInstrument();
        var other = NewInstrument();
        var ticks = Ticks(1, 10);
        await Ticks.AppendAsync(instrument, ticks.AsMemory(..4));
        await Ticks.AppendAsync(other, Ticks(1, 10, basePrice: 5));
        await Ticks.AppendAsync(instrument, ticks.AsMemory(4..));

        Assert.Equal(ticks[6..], await Ticks.ReadAfterAsync(instrument, 6).ToListAsync());
        Assert.Empty(await Ticks.ReadAfterAsync(instrument, 10).ToListAsync());
        Assert.Empty(await Ticks.ReadAfterAsync(NewInstrument(), 0).ToListAsync());
    }

    [Fact]
    public async Task ReadAfter_IndexAndTime_ReturnsLaterTicksAtOrAfterTheTimeInIndexOrder()
    {
        var instrument = NewInstrument();
        var ticks = Ticks(1, 10);
        var bound = ticks[5].Time;
        ticks[7] = ticks[7] with { Time = bound.AddTicks(-10) }; // stored after the bound's tick, with an earlier time
        await Ticks.AppendAsync(instrument, ticks);

        Assert.Equal([6L, 7L, 9L, 10L], (await Ticks.ReadAfterAsync(instrument, 4, bound).ToListAsync()).Select(t => t.Index));
        Assert.Equal(ticks[6..], await Ticks.ReadAfterAsync(instrument, 6, DateTimeOffset.MinValue).ToListAsync());
        Assert.Empty(await Ticks.ReadAfterAsync(NewInstrument(), 0, bound).ToListAsync());
    }

    [Fact]
    public async Task ReadRange_TimeWindow_ReturnsTicksFromInclusiveToExclusiveInIndexOrder()
    {
        var instrument = NewInstrument();
        StoredTick[] ticks =
        [
            new(1, T0.AddSeconds(1), 80, 1, 1, false),
            new(2, T0.AddSeconds(2), 81, 1, 2, false),
            new(3, T0.AddSeconds(4), 82, 1, 3, false),
            new(4, T0.AddSeconds(3), 83, 1, 4, true), // late: earlier time, later index
            new(5, T0.AddSeconds(5), 84, 1, 5, false),
        ];
        await Ticks.AppendAsync(instrument, ticks);

        var read = await Ticks.ReadRangeAsync(instrument, T0.AddSeconds(2), T0.AddSeconds(5)).ToListAsync();

        Assert.Equal([ticks[1], ticks[2], ticks[3]], read);
    }

    [Fact]
    public async Task Append_IndicesNotIncreasing_Throws()
    {
        var instrument = NewInstrument();
        StoredTick[] ticks = [new(2, T0, 80, 1, 1, false), new(2, T0, 80, 1, 2, false)];

        await Assert.ThrowsAsync<ArgumentException>(async () => await Ticks.AppendAsync(instrument, ticks));
        Assert.Empty(await Ticks.ReadAfterAsync(instrument, 0).ToListAsync());
    }

    [Theory]
    [InlineData(double.NaN, 1)]
    [InlineData(80, double.PositiveInfinity)]
    public async Task Append_NotFiniteNumber_Throws(double price, double volume)
    {
        var instrument = NewInstrument();
        StoredTick[] ticks = [new(1, T0, 80, 1, 1, false), new(2, T0, price, volume, 2, false)];

        await Assert.ThrowsAsync<ArgumentException>(async () => await Ticks.AppendAsync(instrument, ticks));
        Assert.Empty(await Ticks.ReadAfterAsync(instrument, 0).ToListAsync());
    }

    [Fact]
    public async Task Dispose_AppendsInFlight_StoredBeforeItReturns()
    {
        var instrument = NewInstrument();
        var store = await Fixture.OpenAsync();
        var appends = Enumerable.Range(0, 100).Select(i => store.Ticks.AppendAsync(instrument, Ticks(i * 10 + 1, 10)).AsTask()).ToArray();

        await store.DisposeAsync();

        Assert.All(appends, append => Assert.True(append.IsCompletedSuccessfully));
        await Assert.ThrowsAsync<ObjectDisposedException>(async () => await store.Ticks.AppendAsync(instrument, Ticks(1001, 1)));
        await using var reopened = await Fixture.OpenAsync();
        Assert.Equal(Ticks(1, 1000), await reopened.Ticks.ReadAfterAsync(instrument, 0).ToListAsync());
    }

    [Fact]
    public async Task DeleteRange_TicksBarsAndMark_RemovedAndRecorded()
    {
        var instrument = NewInstrument();
        var future = T0.AddHours(23);
        StoredTick[] ticks =
        [
            new(1, T0, 80, 1, 1, false),
            new(2, T0.AddSeconds(30), 81, 1, 2, false),
            new(3, future, 90, 1, 999, false),
            new(4, T0.AddMinutes(1), 82, 1, 3, true),
        ];
        await Ticks.AppendAsync(instrument, ticks);
        Bar minute = new(T0, 80, 81, 80, 81, 2), futureMinute = new(future, 90, 90, 90, 90, 1), hour = new(T0, 80, 81, 80, 81, 2);
        await Bars.UpsertAsync(instrument, BarInterval.OneMinute, [minute, futureMinute]);
        await Bars.UpsertAsync(instrument, BarInterval.OneHour, [hour]);

        // From mid-bar: the minute bar at T0 holds a tick that stays, so it goes too (the grain stores it again).
        var asked = new TickDeletion(instrument, T0.AddSeconds(15), T0.AddDays(2), "ops", T0.AddDays(1), Count: 0);
        var deletion = await Ticks.DeleteRangeAsync(asked, [BarInterval.OneMinute]);

        Assert.Equal(asked with { Count = 3 }, deletion);
        Assert.Equal([ticks[0]], await Ticks.ReadAfterAsync(instrument, 0).ToListAsync());
        Assert.Equal(new TickMark(4, 1), await Ticks.GetMarkAsync(instrument));
        Assert.Empty(await Bars.ReadAsync(instrument, BarInterval.OneMinute, DateTimeOffset.MinValue, DateTimeOffset.MaxValue, 10));
        Assert.Equal([hour], await Bars.ReadAsync(instrument, BarInterval.OneHour, DateTimeOffset.MinValue, DateTimeOffset.MaxValue, 10));
        Assert.Equal([deletion], await Ticks.ReadDeletionsAsync(instrument));
    }

    [Fact]
    public async Task DeleteRange_InstrumentNeverStored_RecordsZero()
    {
        var instrument = NewInstrument();
        var deletion = await Ticks.DeleteRangeAsync(new TickDeletion(instrument, T0, T0.AddDays(1), "ops", T0, Count: 5), [BarInterval.OneMinute]);

        Assert.Equal(0, deletion.Count);
        Assert.Equal([deletion], await Ticks.ReadDeletionsAsync(instrument));
    }

    [Fact]
    public async Task Reopen_AfterClose_AllDataStillThere()
    {
        var instrument = NewInstrument();
        var bar = new Bar(T0, 1, 2, 0.5, 1.5, 100);
        var value = new InventoryValue(instrument, InventorySeries.Holdings, new DateOnly(2026, 1, 14), T0, 522_074_356, QuantityUnit.TroyOunce);
        await using (var store = await Fixture.OpenAsync())
        {
            await store.Ticks.AppendAsync(instrument, Ticks(1, 3));
            await store.Bars.UpsertAsync(instrument, BarInterval.OneMinute, [bar]);
            await store.Inventory.AppendAsync([value], T0.AddHours(1));
        }

        await using var reopened = await Fixture.OpenAsync();

        Assert.Equal(Ticks(1, 3), await reopened.Ticks.ReadAfterAsync(instrument, 0).ToListAsync());
        Assert.Equal(new TickMark(3, 30), await reopened.Ticks.GetMarkAsync(instrument));
        Assert.Equal([bar], await reopened.Bars.ReadAsync(instrument, BarInterval.OneMinute, T0, T0.AddDays(1), 10));
        var stored = Assert.Single(await reopened.Inventory.ReadAsync(instrument, InventorySeries.Holdings, null, DateOnly.MinValue, DateOnly.MaxValue, allVersions: true));
        Assert.Equal(new StoredInventory(value, T0.AddHours(1), 1), stored);
    }

    [Fact]
    public async Task BarUpsert_SameOpenTime_ReplacesBar()
    {
        var instrument = NewInstrument();
        var first = new Bar(T0, 10, 12, 9, 11, 100);
        var replaced = first with { High = 13, Close = 12.5, Volume = 150 };
        var next = new Bar(T0.AddMinutes(1), 12.5, 12.5, 12, 12, 5);
        await Bars.UpsertAsync(instrument, BarInterval.OneMinute, [first, next]);

        await Bars.UpsertAsync(instrument, BarInterval.OneMinute, [replaced]);

        Assert.Equal([replaced, next], await Bars.ReadAsync(instrument, BarInterval.OneMinute, T0, T0.AddHours(1), 100));
    }

    [Fact]
    public async Task BarUpsert_SameOpenTimeTwiceInOneCall_LaterWins()
    {
        var instrument = NewInstrument();
        var first = new Bar(T0, 10, 12, 9, 11, 100);
        var second = first with { Close = 10.5 };

        await Bars.UpsertAsync(instrument, BarInterval.OneHour, [first, second]);

        Assert.Equal([second], await Bars.ReadAsync(instrument, BarInterval.OneHour, T0, T0.AddDays(1), 100));
    }

    [Fact]
    public async Task BarRead_Limit_ReturnsNewestBarsOldestFirstWithinRangeAndInterval()
    {
        var instrument = NewInstrument();
        var minutes = Enumerable.Range(0, 10).Select(i => new Bar(T0.AddMinutes(i), i, i + 1, i - 1, i + 0.5, i * 10)).ToArray();
        await Bars.UpsertAsync(instrument, BarInterval.OneMinute, minutes);
        await Bars.UpsertAsync(instrument, BarInterval.OneHour, [new Bar(T0, 0, 10, -1, 9.5, 450)]);

        Assert.Equal(minutes[5..8], await Bars.ReadAsync(instrument, BarInterval.OneMinute, T0.AddMinutes(2), T0.AddMinutes(8), 3));
        Assert.Equal(minutes[2..8], await Bars.ReadAsync(instrument, BarInterval.OneMinute, T0.AddMinutes(2), T0.AddMinutes(8), 100));
        Assert.Empty(await Bars.ReadAsync(instrument, BarInterval.OneMinute, T0, T0.AddHours(1), 0));
        Assert.Empty(await Bars.ReadAsync(instrument, BarInterval.OneDay, T0.AddDays(-1), T0.AddDays(1), 10));
    }

    [Fact]
    public async Task InventoryAppend_SameAsOfAgain_StoredAsNextVersionAndLatestWins()
    {
        var instrument = NewInstrument();
        var day = new DateOnly(2026, 1, 14);
        var v1 = new InventoryValue(instrument, InventorySeries.Registered, day, T0, 430.5, QuantityUnit.MegaTroyOunce);
        var other = v1 with { AsOf = day.AddDays(1), PublishedAt = T0.AddDays(1), Quantity = 428 };
        var otherSeries = v1 with { Series = InventorySeries.Eligible, Quantity = 99 };
        var v2 = v1 with { PublishedAt = T0.AddDays(2), Quantity = 431.25 };
        var v3 = v1 with { PublishedAt = T0.AddDays(3), Quantity = 432, Unit = QuantityUnit.KiloTroyOunce };
        await Inventory.AppendAsync([v1, other, otherSeries], T0.AddMinutes(1));
        await Inventory.AppendAsync([v2, v3], T0.AddDays(2).AddMinutes(1));

        var all = await Inventory.ReadAsync(instrument, InventorySeries.Registered, null, day, day.AddDays(1), allVersions: true);
        var latest = await Inventory.ReadAsync(instrument, InventorySeries.Registered, null, day, day.AddDays(1), allVersions: false);
        var firstDayOnly = await Inventory.ReadAsync(instrument, InventorySeries.Registered, null, day, day, allVersions: false);

        Assert.Equal(
            [
                new StoredInventory(v1, T0.AddMinutes(1), 1),
                new StoredInventory(v2, T0.AddDays(2).AddMinutes(1), 2),
                new StoredInventory(v3, T0.AddDays(2).AddMinutes(1), 3),
                new StoredInventory(other, T0.AddMinutes(1), 1),
            ],
            all);
        Assert.Equal([new StoredInventory(v3, T0.AddDays(2).AddMinutes(1), 3), new StoredInventory(other, T0.AddMinutes(1), 1)], latest);
        Assert.Equal([new StoredInventory(v3, T0.AddDays(2).AddMinutes(1), 3)], firstDayOnly);
    }

    [Fact]
    public async Task InventoryReadPublished_OrderedByPublishedAtSeriesAsOfVersion()
    {
        var instrument = NewInstrument();
        var day = new DateOnly(2026, 1, 12);
        var late = new InventoryValue(instrument, InventorySeries.Stocks, day, T0.AddHours(5), 100, QuantityUnit.Tonne);
        var a = new InventoryValue(instrument, InventorySeries.OnWarrant, day, T0.AddHours(1), 60, QuantityUnit.Tonne);
        var b = new InventoryValue(instrument, InventorySeries.Cancelled, day, T0.AddHours(1), 40, QuantityUnit.Tonne);
        var restated = late with { PublishedAt = T0.AddHours(1), Quantity = 101 };
        var outside = late with { AsOf = day.AddDays(1), PublishedAt = T0.AddHours(9) };
        await Inventory.AppendAsync([late, a], T0);
        await Inventory.AppendAsync([b], T0.AddMinutes(1));
        await Inventory.AppendAsync([restated, outside], T0.AddMinutes(2));

        var read = await Inventory.ReadPublishedAsync(instrument, T0, T0.AddHours(9)).ToListAsync();

        Assert.Equal(
            [
                new StoredInventory(b, T0.AddMinutes(1), 1),
                new StoredInventory(a, T0, 1),
                new StoredInventory(restated, T0.AddMinutes(2), 2),
                new StoredInventory(late, T0, 1),
            ],
            read);
    }

    [Fact]
    public async Task InventoryLocations_VersionedApartFromTheTotalAndMatchedWithoutRegardToCase()
    {
        var instrument = NewInstrument();
        var day = new DateOnly(2026, 1, 14);
        var total = new InventoryValue(instrument, InventorySeries.Registered, day, T0, 300, QuantityUnit.TroyOunce);
        var brinks = total with { Location = "Brinks Inc", Quantity = 100 };
        var loomis = total with { Location = "LOOMIS", Quantity = 200 };
        var brinksAgain = total with { Location = "BRINKS INC", PublishedAt = T0.AddDays(1), Quantity = 110 };
        await Inventory.AppendAsync([total, brinks, loomis], T0);
        await Inventory.AppendAsync([brinksAgain], T0.AddDays(1));

        Assert.Equal([new StoredInventory(total, T0, 1)], await Inventory.ReadAsync(instrument, InventorySeries.Registered, null, day, day, allVersions: true));
        Assert.Equal(
            [new StoredInventory(brinks, T0, 1), new StoredInventory(brinksAgain, T0.AddDays(1), 2)],
            await Inventory.ReadAsync(instrument, InventorySeries.Registered, "brinks inc", day, day, allVersions: true));
        var latest = Assert.Single(await Inventory.ReadAsync(instrument, InventorySeries.Registered, "Brinks Inc", day, day, allVersions: false));
        Assert.Equal("BRINKS INC", latest.Value.Location);
        Assert.Empty(await Inventory.ReadAsync(instrument, InventorySeries.Registered, "Nowhere", day, day, allVersions: true));
    }

    [Fact]
    public async Task InventoryReadNewest_LatestAsOfAndVersionPerSeriesAndLocation_TotalFirst()
    {
        var instrument = NewInstrument();
        var day = new DateOnly(2026, 1, 14);
        var total = new InventoryValue(instrument, InventorySeries.Registered, day, T0, 300, QuantityUnit.TroyOunce);
        var zurich = total with { Location = "Zurich", Quantity = 100 };
        var amsterdam = total with { Location = "Amsterdam", Quantity = 200 };
        var nextTotal = total with { AsOf = day.AddDays(1), PublishedAt = T0.AddDays(1), Quantity = 290 };
        var restatedZurich = zurich with { PublishedAt = T0.AddDays(2), Quantity = 90 };
        var eligible = total with { Series = InventorySeries.Eligible, Quantity = 7 };
        await Inventory.AppendAsync([total, zurich, amsterdam, eligible], T0);
        await Inventory.AppendAsync([nextTotal], T0.AddDays(1));
        await Inventory.AppendAsync([restatedZurich], T0.AddDays(2));

        Assert.Equal(
            [
                new StoredInventory(eligible, T0, 1),
                new StoredInventory(nextTotal, T0.AddDays(1), 1),
                new StoredInventory(amsterdam, T0, 1),
                new StoredInventory(restatedZurich, T0.AddDays(2), 2),
            ],
            await Inventory.ReadNewestAsync(instrument, series: null));
        Assert.Equal(
            [new StoredInventory(nextTotal, T0.AddDays(1), 1), new StoredInventory(amsterdam, T0, 1), new StoredInventory(restatedZurich, T0.AddDays(2), 2)],
            await Inventory.ReadNewestAsync(instrument, InventorySeries.Registered));
    }

    [Fact]
    public async Task InventoryAppendChanges_RepeatStoresNothing_OtherNumbersRestate()
    {
        var instrument = NewInstrument();
        var day = new DateOnly(2026, 1, 14);
        var brinks = new InventoryValue(instrument, InventorySeries.Registered, day, T0, 100, QuantityUnit.TroyOunce) { Location = "Brinks" };
        var total = brinks with { Location = null, Quantity = 150 };
        await Inventory.AppendChangesAsync([brinks, total], T0);

        var revisions = await Inventory.AppendChangesAsync(
            [brinks with { Location = "BRINKS", PublishedAt = T0.AddDays(1) }, total with { PublishedAt = T0.AddDays(1), Quantity = 151 }], T0.AddDays(1));

        Assert.Equal([InventoryChange.Unchanged, InventoryChange.Restated], revisions.Select(r => r.Change));
        Assert.Equal(150, revisions[1].Previous);
        Assert.Single(await Inventory.ReadAsync(instrument, InventorySeries.Registered, "Brinks", day, day, allVersions: true));
        Assert.Equal([1, 2], (await Inventory.ReadAsync(instrument, InventorySeries.Registered, null, day, day, allVersions: true)).Select(v => v.Version));
    }

    [Fact]
    public async Task InventoryRead_UnknownInstrument_IsEmpty()
    {
        var instrument = NewInstrument();

        Assert.Empty(await Inventory.ReadAsync(instrument, InventorySeries.Vault, null, DateOnly.MinValue, DateOnly.MaxValue, allVersions: true));
        Assert.Empty(await Inventory.ReadPublishedAsync(instrument, DateTimeOffset.MinValue, DateTimeOffset.MaxValue).ToListAsync());
    }
}

public sealed class SqliteStoreTests(SqliteStoreFixture fixture)
    : StoreBehaviourTests<SqliteStoreFixture>(fixture), IClassFixture<SqliteStoreFixture>;

public sealed class PostgresStoreTests(PostgresStoreFixture fixture)
    : StoreBehaviourTests<PostgresStoreFixture>(fixture), IClassFixture<PostgresStoreFixture>;
