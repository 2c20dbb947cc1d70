using Monitor.Core.Market;
using Monitor.Core.Simulation;

namespace Monitor.Core.Tests.Simulation;

public class MarketSimulatorTests
{
    private static readonly int BuiltInCount = MarketCalibration.Instruments.Count;

    [Fact]
    public void SameSeedAndCalls_SameTicksAndInventory()
    {
        var options = new SimulatorOptions { TicksPerSecond = 100, InventoryMinInterval = TimeSpan.FromSeconds(5), InventoryMaxInterval = TimeSpan.FromSeconds(9) };

        var first = SimulationRun.Record(options, seed: 42, TimeSpan.FromMinutes(8), TimeSpan.FromMilliseconds(730));
        var second = SimulationRun.Record(options, seed: 42, TimeSpan.FromMinutes(8), TimeSpan.FromMilliseconds(730));
        var otherSeed = SimulationRun.Record(options, seed: 43, TimeSpan.FromMinutes(8), TimeSpan.FromMilliseconds(730));

        Assert.Equal(first.Ticks, second.Ticks);
        Assert.Equal(first.Inventory, second.Inventory);
        Assert.Equal(first.Episodes, second.Episodes);
        Assert.NotEqual(first.Ticks.Select(t => t.Price), otherSeed.Ticks.Select(t => t.Price));
    }

    [Fact]
    public void FirstCall_OpensEveryInstrumentAtItsCalibratedPriceAndPublishesEverySeries()
    {
        var simulator = new MarketSimulator(new SimulatorOptions(), seed: 1);
        List<Tick> ticks = [];
        List<InventoryValue> inventory = [];

        simulator.Advance(SimulationRun.Start, ticks, inventory);

        Assert.Equal(MarketCalibration.Instruments.Select(p => (p.Instrument, p.StartPrice)), ticks.Select(t => (t.Instrument, t.Price)));
        Assert.All(ticks, t => Assert.Equal(SimulationRun.Start, t.Time));
        Assert.Equal(17, inventory.Where(v => v.Location is null).Select(v => (v.Instrument, v.Series)).Distinct().Count());
        Assert.All(inventory, v => Assert.Equal(SimulationRun.Start, v.PublishedAt));
    }

    [Fact]
    public void CopperCash_SitsInContangoWhenCalm_AndABullishSqueezeTurnsItIntoBackwardation()
    {
        var options = new SimulatorOptions
        {
            TicksPerSecond = 200,
            Instruments = ["LME:CA", "LME:CA.CASH"],
            FirstEpisodeDelay = TimeSpan.FromMinutes(1),
            EpisodeInterval = TimeSpan.FromMinutes(1),
            EpisodeDuration = TimeSpan.FromMinutes(1),
        };
        var simulator = new MarketSimulator(options, seed: 3);
        var spreads = new List<(DateTimeOffset Time, double Spread, DivergenceEpisode? Episode)>();
        double threeMonth = double.NaN;
        for (int step = 1; step <= 12 * 60; step++)
        {
            List<Tick> ticks = [];
            simulator.Advance(SimulationRun.Start.AddSeconds(step), ticks, []);
            foreach (var tick in ticks)
            {
                if (tick.Instrument.Value == "LME:CA")
                {
                    threeMonth = tick.Price;
                }
                else if (!double.IsNaN(threeMonth))
                {
                    spreads.Add((tick.Time, tick.Price - threeMonth, simulator.LatestEpisode));
                }
            }
        }

        // Before the first episode: a contango of about 0.3% (about $30/t). Every fourth episode is a copper squeeze.
        Assert.All(spreads.Where(s => s.Episode is null), s => Assert.InRange(s.Spread, -60, -10));
        var squeeze = spreads.Where(s => s.Episode is { Kind: DivergenceKind.CopperStocksSqueeze, PriceUp: true } e && s.Time >= e.End.AddSeconds(-5) && s.Time <= e.End).ToList();
        Assert.NotEmpty(squeeze);
        Assert.All(squeeze, s => Assert.True(s.Spread > 0, $"cash over 3-month at the height of the squeeze, got {s.Spread}"));
    }

    [Fact]
    public void LongFastRunWithEpisodes_PricesStayPositiveAndFinite()
    {
        var options = new SimulatorOptions
        {
            TicksPerSecond = 100,
            MarketTimeScale = 20_000,
            FirstEpisodeDelay = TimeSpan.Zero,
            EpisodeInterval = TimeSpan.FromMinutes(2),
            EpisodeDuration = TimeSpan.FromMinutes(1),
            EpisodeScale = 3,
        };

        var run = SimulationRun.Record(options, seed: 7, TimeSpan.FromHours(2), TimeSpan.FromSeconds(10));

        Assert.Equal(BuiltInCount + (100 * 7200), run.Ticks.Count);
        Assert.All(run.Ticks, t =>
        {
            Assert.True(double.IsFinite(t.Price) && t.Price > 0, $"{t.Instrument} printed {t.Price}");
            Assert.True(double.IsFinite(t.Volume) && t.Volume >= 1, $"{t.Instrument} volume {t.Volume}");
        });
        Assert.All(run.Inventory, v => Assert.True(double.IsFinite(v.Quantity), $"{v.Instrument}/{v.Series} = {v.Quantity}"));
        Assert.All(run.Inventory.Where(v => v.Series != InventorySeries.ManagedMoneyNet), v => Assert.True(v.Quantity >= 0, $"{v.Instrument}/{v.Series} = {v.Quantity}"));
    }

    [Fact]
    public void Ticks_AreWholeTicksOfEachInstrumentsIncrement_IncrementsAboveOneIncluded()
    {
        var increments = MarketCalibration.Instruments.ToDictionary(p => p.Instrument, p => p.TickSize);

        var run = SimulationRun.Record(new SimulatorOptions { TicksPerSecond = 50, EpisodeInterval = null }, seed: 5, TimeSpan.FromMinutes(10), TimeSpan.FromSeconds(1));

        Assert.Contains(increments.Values, tick => tick > 1);
        Assert.All(run.Ticks, t =>
        {
            double ticks = t.Price / increments[t.Instrument];
            Assert.True(double.IsFinite(t.Price) && t.Price > 0 && Math.Abs(ticks - Math.Round(ticks)) < 1e-6, $"{t.Instrument} printed {t.Price}");
        });
    }

    [Theory]
    [InlineData(15_003.2, 5, 15_005)]
    [InlineData(0.4, 5, 5)]
    [InlineData(39.0071, 0.005, 39.005)]
    [InlineData(4.44774, 0.0005, 4.4475)]
    [InlineData(9_805.3, 0.5, 9_805.5)]
    public void OnTickGrid_NearestWholeTickAtLeastOne(double price, double tick, double expected) =>
        Assert.Equal(expected, MarketSimulator.OnTickGrid(price, tick));

    [Theory]
    [InlineData(1, 370)]
    [InlineData(200, 730)]
    [InlineData(1_234.5, 50)]
    public void RateMode_EmitsTheConfiguredTicksPerSecondExactly(double ticksPerSecond, int stepMilliseconds)
    {
        var options = new SimulatorOptions { TicksPerSecond = ticksPerSecond, EpisodeInterval = null };

        var run = SimulationRun.Record(options, seed: 3, TimeSpan.FromMinutes(2), TimeSpan.FromMilliseconds(stepMilliseconds));

        Assert.Equal(BuiltInCount + (long)Math.Floor(ticksPerSecond * 120), run.Ticks.Count);
        Assert.True(run.Ticks.Zip(run.Ticks.Skip(1)).All(pair => pair.First.Time <= pair.Second.Time), "ticks are in time order");
        Assert.True(run.Ticks[^1].Time <= SimulationRun.Start + TimeSpan.FromMinutes(2));
    }

    [Fact]
    public void CountMode_EmitsExactlyTheCountSpreadOverTheElapsedTime()
    {
        var simulator = new MarketSimulator(new SimulatorOptions(), seed: 5);
        List<Tick> ticks = [];
        List<InventoryValue> inventory = [];
        simulator.Advance(SimulationRun.Start, ticks, inventory);
        ticks.Clear();

        simulator.Advance(SimulationRun.Start.AddSeconds(1), 10_000, ticks, inventory);

        Assert.Equal(10_000, ticks.Count);
        Assert.All(ticks, t => Assert.InRange(t.Time, SimulationRun.Start.AddTicks(1), SimulationRun.Start.AddSeconds(1)));
        Assert.Equal(SimulationRun.Start.AddSeconds(1), ticks[^1].Time);
        Assert.InRange(ticks[4_999].Time, SimulationRun.Start.AddMilliseconds(499), SimulationRun.Start.AddMilliseconds(501));
    }

    [Fact]
    public void Ticks_SeqStrictlyIncreasesPerInstrumentAndFollowsTheClockInMicroseconds()
    {
        var simulator = new MarketSimulator(new SimulatorOptions { TicksPerSecond = 50 }, seed: 11);
        List<Tick> ticks = [];
        List<InventoryValue> inventory = [];
        simulator.Advance(SimulationRun.Start, ticks, inventory);
        for (int i = 1; i <= 600; i++)
        {
            simulator.Advance(SimulationRun.Start.AddMilliseconds(100 * i), ticks, inventory);
        }

        // Many ticks in one microsecond: seq must still rise.
        simulator.Advance(SimulationRun.Start.AddMilliseconds(60_000).AddTicks(1), 5_000, ticks, inventory);

        foreach (var group in ticks.GroupBy(t => t.Instrument))
        {
            var seqs = group.Select(t => t.Seq).ToList();
            Assert.True(seqs.Zip(seqs.Skip(1)).All(p => p.Second > p.First), $"{group.Key}: seq not strictly increasing");
            Assert.All(group, t => Assert.True(t.Seq >= t.Time.ToUnixTimeMilliseconds() * 1000, $"{group.Key}: seq {t.Seq} below the tick's time"));
        }

        var spread = ticks.First(t => t.Time == SimulationRun.Start.AddMilliseconds(100));
        Assert.Equal(SimulationRun.Start.AddMilliseconds(100).ToUnixTimeMilliseconds() * 1000, spread.Seq);
    }

    [Fact]
    public void Inventory_UsesTheContractsBaseUnitsAndPublishesAtTheConfiguredCadence()
    {
        var catalog = InstrumentCatalog.BuiltIn();
        var options = new SimulatorOptions { TicksPerSecond = 10, InventoryMinInterval = TimeSpan.FromSeconds(20), InventoryMaxInterval = TimeSpan.FromSeconds(60) };

        var run = SimulationRun.Record(options, seed: 9, TimeSpan.FromMinutes(30), TimeSpan.FromSeconds(1));

        Assert.All(run.Inventory, v =>
        {
            Assert.True(catalog.TryGet(v.Instrument, out var definition), $"{v.Instrument} is not built in");
            Assert.Contains(v.Series, InventorySeries.All);
            Assert.Equal(InventorySeries.BaseUnit(v.Series, definition.PreciousMetal), v.Unit);
            Assert.Equal(DateOnly.FromDateTime(v.PublishedAt.UtcDateTime), v.AsOf);
        });
        Assert.Equal(
            [
                ("COMEX:GC", "eligible"), ("COMEX:GC", "mmNet"), ("COMEX:GC", "registered"), ("COMEX:GC", "vault"),
                ("COMEX:HG", "mmNet"),
                ("COMEX:SI", "eligible"), ("COMEX:SI", "mmNet"), ("COMEX:SI", "registered"), ("COMEX:SI", "vault"),
                ("ETF:GLD", "holdings"), ("ETF:SLV", "holdings"),
                ("LME:AH", "cancelled"), ("LME:AH", "onWarrant"), ("LME:AH", "stocks"),
                ("LME:CA", "cancelled"), ("LME:CA", "onWarrant"), ("LME:CA", "stocks"),
            ],
            run.Inventory.Select(v => (v.Instrument.Value, v.Series)).Distinct().Order());
        foreach (var series in run.Inventory.Where(v => v.Location is null).GroupBy(v => (v.Instrument, v.Series)))
        {
            var times = series.Select(v => v.PublishedAt).ToList();
            Assert.All(times.Zip(times.Skip(1)), p => Assert.InRange(p.Second - p.First, TimeSpan.FromSeconds(20), TimeSpan.FromSeconds(60)));
            Assert.InRange(times.Count, 30, 91);
        }
    }

    [Fact]
    public void LmeStocks_SplitIntoOnWarrantAndCancelled()
    {
        var run = SimulationRun.Record(new SimulatorOptions { TicksPerSecond = 10 }, seed: 13, TimeSpan.FromMinutes(20), TimeSpan.FromSeconds(5));

        foreach (var report in run.Inventory.Where(v => v.Instrument.Venue == "LME").GroupBy(v => (v.Instrument, v.PublishedAt, v.Location)))
        {
            var values = report.ToDictionary(v => v.Series, v => v.Quantity);
            Assert.Equal(values[InventorySeries.Stocks], values[InventorySeries.OnWarrant] + values[InventorySeries.Cancelled]);
            Assert.InRange(values[InventorySeries.Cancelled], 0, values[InventorySeries.Stocks]);
        }
    }

    [Fact]
    public void ComexAndLmeStocks_ByLocationAddingUpToEachTotal()
    {
        var run = SimulationRun.Record(new SimulatorOptions { TicksPerSecond = 10 }, seed: 21, TimeSpan.FromMinutes(20), TimeSpan.FromSeconds(5));

        var located = run.Inventory.Where(v => v.Location is not null).ToList();
        Assert.Equal(
            [("COMEX:GC", "eligible"), ("COMEX:GC", "registered"), ("COMEX:SI", "eligible"), ("COMEX:SI", "registered"),
             ("LME:AH", "cancelled"), ("LME:AH", "onWarrant"), ("LME:AH", "stocks"), ("LME:CA", "cancelled"), ("LME:CA", "onWarrant"), ("LME:CA", "stocks")],
            located.Select(v => (v.Instrument.Value, v.Series)).Distinct().Order());
        Assert.Contains(located, v => v.Location == "JP MORGAN CHASE BANK NA");
        Assert.Contains(located, v => v.Location == "Port Klang");
        foreach (var total in run.Inventory.Where(v => v.Location is null && located.Exists(l => l.Instrument == v.Instrument && l.Series == v.Series)))
        {
            var parts = located.Where(v => v.Instrument == total.Instrument && v.Series == total.Series && v.PublishedAt == total.PublishedAt).ToList();
            Assert.True(parts.Count > 3, $"{total.Instrument}/{total.Series} at {total.PublishedAt:O} has {parts.Count} locations");
            Assert.Equal(total.Quantity, parts.Sum(v => v.Quantity));
            Assert.All(parts, v => Assert.True(v.Quantity >= 0 && v.Quantity == Math.Floor(v.Quantity), $"{v.Location} {v.Quantity}"));
        }
    }

    [Fact]
    public void LocationShares_DriftWithTheActivityDateWhileAddingUp()
    {
        var locations = SimulatedLocations.ComexSilver();
        var total = new InventoryValue(InstrumentId.Parse("COMEX:SI"), "registered", new DateOnly(2026, 1, 14), SimulationRun.Start, 100_000_001, QuantityUnit.TroyOunce);
        List<InventoryValue> first = [], later = [];

        locations.Split(total, first);
        locations.Split(total with { AsOf = total.AsOf.AddDays(9) }, later);

        Assert.Equal(locations.Names, first.Select(v => v.Location));
        Assert.Equal(total.Quantity, first.Sum(v => v.Quantity));
        Assert.Equal(total.Quantity, later.Sum(v => v.Quantity));
        Assert.NotEqual(first.Select(v => v.Quantity), later.Select(v => v.Quantity));
    }

    [Fact]
    public void SelectedInstruments_OnlyTheyTickAndPublish()
    {
        var options = new SimulatorOptions { TicksPerSecond = 100, Instruments = ["ETF:SLV", "COMEX:SI"] };

        var run = SimulationRun.Record(options, seed: 2, TimeSpan.FromMinutes(5), TimeSpan.FromSeconds(1));

        Assert.Equal(["COMEX:SI", "ETF:SLV"], run.Ticks.Select(t => t.Instrument.Value).Distinct().Order());
        Assert.Equal(["COMEX:SI", "ETF:SLV"], run.Inventory.Select(v => v.Instrument.Value).Distinct().Order());
        Assert.Equal(2 + (100 * 300), run.Ticks.Count);
    }

    public static TheoryData<SimulatorOptions, string> InvalidOptions => new()
    {
        { new SimulatorOptions { TicksPerSecond = 0 }, "TicksPerSecond" },
        { new SimulatorOptions { TicksPerSecond = double.NaN }, "TicksPerSecond" },
        { new SimulatorOptions { Instruments = ["COMEX:XX"] }, "COMEX:XX is not simulated" },
        { new SimulatorOptions { Instruments = ["comex:si"] }, "upper case" },
        { new SimulatorOptions { InventoryMinInterval = TimeSpan.FromSeconds(60), InventoryMaxInterval = TimeSpan.FromSeconds(20) }, "InventoryMinInterval" },
        { new SimulatorOptions { EpisodeInterval = TimeSpan.FromMinutes(1), EpisodeDuration = TimeSpan.FromMinutes(2) }, "EpisodeDuration" },
        { new SimulatorOptions { EpisodePriceHalfLife = TimeSpan.Zero }, "EpisodePriceHalfLife" },
        { new SimulatorOptions { MarketTimeScale = -1 }, "MarketTimeScale" },
        { new SimulatorOptions { EpisodeScale = double.PositiveInfinity }, "EpisodeScale" },
    };

    [Theory]
    [MemberData(nameof(InvalidOptions))]
    public void InvalidOptions_ConstructorNamesTheProblem(SimulatorOptions options, string expected)
    {
        var error = Assert.Throws<ArgumentException>(() => new MarketSimulator(options, seed: 1));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TimeGoingBack_AddsNothing()
    {
        var simulator = new MarketSimulator(new SimulatorOptions(), seed: 1);
        List<Tick> ticks = [];
        List<InventoryValue> inventory = [];
        simulator.Advance(SimulationRun.Start.AddSeconds(10), ticks, inventory);
        int opened = ticks.Count;

        simulator.Advance(SimulationRun.Start, ticks, inventory);
        simulator.Advance(SimulationRun.Start.AddSeconds(10), ticks, inventory);

        Assert.Equal(opened, ticks.Count);
        Assert.Equal(SimulationRun.Start.AddSeconds(10), simulator.Now);
    }
}
