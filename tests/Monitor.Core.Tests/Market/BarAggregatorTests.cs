using Monitor.Core.Market;

namespace Monitor.Core.Tests.Market;

public class BarAggregatorTests
{
    private static readonly BarInterval FiveMinutes = BarInterval.Parse("5m");

    [Fact]
    public void Add_TicksInsideOneBar_BuildOpenHighLowCloseVolume()
    {
        var aggregator = new BarAggregator(FiveMinutes);

        Assert.Equal(BarUpdate.Opened, Add(aggregator, "15:30:05", 10, 1).Update);
        Assert.Equal(BarUpdate.Updated, Add(aggregator, "15:31:00", 12, 2).Update);
        Assert.Equal(BarUpdate.Updated, Add(aggregator, "15:32:00", 9, 3).Update);
        Assert.Equal(BarUpdate.Updated, Add(aggregator, "15:34:59.9999999", 11, 4).Update);

        Assert.Equal(new Bar(At("15:30"), 10, 12, 9, 11, 10), aggregator.OpenBar);
    }

    [Fact]
    public void Add_TickOnTheNextBoundary_ClosesTheBarAndOpensTheNext()
    {
        var aggregator = new BarAggregator(FiveMinutes);
        Add(aggregator, "15:31", 10, 1);
        Add(aggregator, "15:33", 12, 1);

        var (update, closed) = Add(aggregator, "15:35", 13, 5);

        Assert.Equal(BarUpdate.Closed, update);
        Assert.Equal(new Bar(At("15:30"), 10, 12, 10, 12, 2), closed);
        Assert.Equal(new Bar(At("15:35"), 13, 13, 13, 13, 5), aggregator.OpenBar);
    }

    [Fact]
    public void Add_TickAfterAGap_ClosesTheOpenBarWithoutEmptyBars()
    {
        var aggregator = new BarAggregator(FiveMinutes);
        Add(aggregator, "15:31", 10, 1);

        var (update, closed) = Add(aggregator, "16:02", 11, 1);
        var (nextUpdate, nextClosed) = Add(aggregator, "16:05", 12, 1);

        Assert.Equal(BarUpdate.Closed, update);
        Assert.Equal(At("15:30"), closed.Time);
        Assert.Equal(BarUpdate.Closed, nextUpdate);
        Assert.Equal(new Bar(At("16:00"), 11, 11, 11, 11, 1), nextClosed);
    }

    [Fact]
    public void Add_OutOfOrderInsideTheOpenBar_EarliestTimeOpensLatestTimeCloses()
    {
        var aggregator = new BarAggregator(FiveMinutes);
        Add(aggregator, "15:32", 20, 1);
        Add(aggregator, "15:31", 10, 1);
        Add(aggregator, "15:34", 30, 1);
        Add(aggregator, "15:33", 25, 1);
        Add(aggregator, "15:30:30", 15, 1);

        Assert.Equal(new Bar(At("15:30"), 15, 30, 10, 30, 5), aggregator.OpenBar);
    }

    [Fact]
    public void Add_EqualTimes_FirstArrivalOpensAndLastArrivalCloses()
    {
        var aggregator = new BarAggregator(FiveMinutes);
        Add(aggregator, "15:32", 5, 1);
        Add(aggregator, "15:31", 1, 1);
        Add(aggregator, "15:31", 2, 1);
        Add(aggregator, "15:33", 7, 1);
        Add(aggregator, "15:33", 8, 1);
        Add(aggregator, "15:32", 6, 1);

        Assert.Equal(new Bar(At("15:30"), 1, 8, 1, 8, 6), aggregator.OpenBar);
    }

    [Fact]
    public void Add_TickForAClosedBar_IsLateAndChangesNothing()
    {
        var aggregator = new BarAggregator(FiveMinutes);
        Add(aggregator, "15:31", 10, 1);
        Add(aggregator, "15:36", 11, 1);
        var before = aggregator.State;

        var (update, closed) = Add(aggregator, "15:34:59", 99, 1000);

        Assert.Equal(BarUpdate.Late, update);
        Assert.Equal(default, closed);
        Assert.Equal(before, aggregator.State);
    }

    [Fact]
    public void Add_TickForAGapBarAfterALaterBarOpened_IsLate()
    {
        var aggregator = new BarAggregator(FiveMinutes);
        Add(aggregator, "15:31", 10, 1);
        Add(aggregator, "15:52", 11, 1);
        var before = aggregator.State;

        Assert.Equal(BarUpdate.Late, Add(aggregator, "15:40", 12, 1).Update);
        Assert.Equal(BarUpdate.Late, Add(aggregator, "15:49:59.9999999", 12, 1).Update);
        Assert.Equal(before, aggregator.State);
    }

    [Fact]
    public void Add_TickBeforeTheFirstOpenBar_IsLate()
    {
        var aggregator = new BarAggregator(FiveMinutes);
        Add(aggregator, "15:31", 10, 1);
        var before = aggregator.State;

        Assert.Equal(BarUpdate.Late, Add(aggregator, "15:29", 9, 1).Update);
        Assert.Equal(before, aggregator.State);
    }

    [Fact]
    public void Add_Tick_SameAsAddWithItsFields()
    {
        var byFields = new BarAggregator(FiveMinutes);
        var byTick = new BarAggregator(FiveMinutes);
        var instrument = InstrumentId.Parse("COMEX:SI");

        foreach (var (time, price) in new[] { ("15:31", 10.0), ("15:33", 12.0), ("15:36", 11.0) })
        {
            var update = byTick.Add(new Tick(instrument, At(time), price, 2), out var closed);
            Assert.Equal(Add(byFields, time, price, 2), (update, closed));
        }

        Assert.Equal(byFields.State, byTick.State);
    }

    [Fact]
    public void CloseThrough_BeforeTheEnd_KeepsTheBarOpen()
    {
        var aggregator = new BarAggregator(FiveMinutes);
        Add(aggregator, "15:31", 10, 1);

        Assert.False(aggregator.CloseThrough(At("15:34:59.9999999"), out var closed));
        Assert.Equal(default, closed);
        Assert.Equal(At("15:30"), aggregator.OpenBar?.Time);
    }

    [Theory]
    [InlineData("15:35")]
    [InlineData("15:47")]
    public void CloseThrough_AtOrAfterTheEnd_ClosesTheBar(string now)
    {
        var aggregator = new BarAggregator(FiveMinutes);
        Add(aggregator, "15:31", 10, 3);

        Assert.True(aggregator.CloseThrough(At(now), out var closed));
        Assert.Equal(new Bar(At("15:30"), 10, 10, 10, 10, 3), closed);
        Assert.Null(aggregator.OpenBar);
        Assert.False(aggregator.CloseThrough(At(now), out _));
    }

    [Fact]
    public void CloseThrough_ThenTickForTheClosedBar_IsLate()
    {
        var aggregator = new BarAggregator(FiveMinutes);
        Add(aggregator, "15:31", 10, 1);
        aggregator.CloseThrough(At("15:40"), out _);

        Assert.Equal(BarUpdate.Late, Add(aggregator, "15:34", 10, 1).Update);
        Assert.Null(aggregator.OpenBar);
    }

    [Theory]
    [InlineData("15:35")]
    [InlineData("15:41")]
    public void CloseThrough_ThenTickAtOrAfterTheEnd_OpensANewBar(string time)
    {
        var aggregator = new BarAggregator(FiveMinutes);
        Add(aggregator, "15:31", 10, 1);
        aggregator.CloseThrough(At("15:45"), out _);

        Assert.Equal(BarUpdate.Opened, Add(aggregator, time, 12, 1).Update);
        Assert.Equal(FiveMinutes.BarStart(At(time)), aggregator.OpenBar?.Time);
    }

    [Fact]
    public void CloseThrough_WithoutAnOpenBar_ReturnsFalse()
    {
        Assert.False(new BarAggregator(FiveMinutes).CloseThrough(At("15:30"), out _));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(5)]
    [InlineData(7)]
    public void State_RestoredIntoANewAggregator_ContinuesIdentically(int restoreAfter)
    {
        (string Time, double Price)[] ticks =
        [
            ("15:32", 20), ("15:31", 10), ("15:32", 21), ("15:33", 25), ("15:34", 30),
            ("15:36", 31), ("15:34", 99), ("15:36", 29), ("15:35:30", 28), ("15:51", 40), ("15:45", 41), ("15:52", 39),
        ];
        var original = new BarAggregator(FiveMinutes);
        foreach (var (time, price) in ticks[..restoreAfter])
        {
            Add(original, time, price, 1);
        }

        var restored = new BarAggregator(FiveMinutes, original.State);

        Assert.Equal(original.State, restored.State);
        foreach (var (time, price) in ticks[restoreAfter..])
        {
            Assert.Equal(Add(original, time, price, 1), Add(restored, time, price, 1));
            Assert.Equal(original.OpenBar, restored.OpenBar);
        }

        Assert.Equal(original.CloseThrough(At("16:00"), out var closed), restored.CloseThrough(At("16:00"), out var restoredClosed));
        Assert.Equal(closed, restoredClosed);
        Assert.Equal(original.State, restored.State);
    }

    [Fact]
    public void State_RestoredAfterCloseThrough_StillRejectsLateTicks()
    {
        var original = new BarAggregator(FiveMinutes);
        Add(original, "15:31", 10, 1);
        original.CloseThrough(At("15:35"), out _);

        var restored = new BarAggregator(FiveMinutes, original.State);

        Assert.Null(restored.OpenBar);
        Assert.Equal(BarUpdate.Late, Add(restored, "15:33", 10, 1).Update);
        Assert.Equal(BarUpdate.Opened, Add(restored, "15:35", 10, 1).Update);
    }

    [Fact]
    public void Reset_ForgetsTheOpenBarAndWhatClosed()
    {
        var aggregator = new BarAggregator(FiveMinutes);
        Add(aggregator, "15:31", 10, 1);
        Add(aggregator, "15:41", 11, 1);

        aggregator.Reset();

        Assert.Null(aggregator.OpenBar);
        Assert.Equal(new BarAggregator(FiveMinutes).State, aggregator.State);
        Assert.Equal(BarUpdate.Opened, Add(aggregator, "15:31", 12, 1).Update);
    }

    private static DateTimeOffset At(string timeOfDay) => MarketTime.Utc($"2026-01-14T{timeOfDay}");

    private static (BarUpdate Update, Bar Closed) Add(BarAggregator aggregator, string timeOfDay, double price, double volume)
    {
        var update = aggregator.Add(At(timeOfDay), price, volume, out var closed);
        return (update, closed);
    }
}
