using Monitor.Core.Market;
using Monitor.Core.Simulation;

namespace Monitor.Core.Tests.Simulation;

/// <summary>
/// Four episodes (one of each kind) in 20 simulated minutes, with inventory noise off and price moves that do not
/// fade during the run, so each episode's declared magnitudes can be read back from the published data.
/// </summary>
public sealed class DivergenceEpisodeTests(DivergenceEpisodeTests.FourEpisodes fixture) : IClassFixture<DivergenceEpisodeTests.FourEpisodes>
{
    private readonly SimulationRun _run = fixture.Run;

    [Fact]
    public void FirstEpisode_SilverRalliesWhileSlvHoldingsDrainByItsMagnitude()
    {
        var episode = _run.Episodes[0];
        var silver = InstrumentId.Parse("COMEX:SI");
        var slv = InstrumentId.Parse("ETF:SLV");

        double priceChangePct = ((_run.PriceAtOrAfter(silver, episode.End) / _run.PriceAtOrBefore(silver, episode.Start)) - 1) * 100;
        double holdingsChange = _run.QuantityAtOrAfter(slv, InventorySeries.Holdings, episode.End) - _run.QuantityAtOrBefore(slv, InventorySeries.Holdings, episode.Start);

        Assert.Equal(DivergenceKind.SilverEtfOutflow, episode.Kind);
        Assert.True(episode.PriceUp);
        Assert.Equal(SimulationRun.Start.AddMinutes(1), episode.Start);
        Assert.Equal(SimulationRun.Start.AddMinutes(4), episode.End);
        Assert.InRange(priceChangePct, 4 - 0.3, 8 + 0.3);
        Assert.InRange(priceChangePct, episode.PriceMoves[0].ChangePct - 0.3, episode.PriceMoves[0].ChangePct + 0.3);
        var flow = Assert.Single(episode.Flows);
        Assert.Equal((slv, InventorySeries.Holdings), (flow.Instrument, flow.Series));
        Assert.InRange(-flow.Change, 0.025 * MarketCalibration.SlvHoldingsOz, 0.04 * MarketCalibration.SlvHoldingsOz);
        AssertFlowSeen(flow, holdingsChange);
    }

    [Fact]
    public void Episodes_PlayEveryKindInTurnEveryInterval()
    {
        Assert.Equal(
            [DivergenceKind.SilverEtfOutflow, DivergenceKind.ComexToLondonSilver, DivergenceKind.CopperStocksSqueeze, DivergenceKind.GoldEtfOutflow],
            _run.Episodes.Select(e => e.Kind));
        Assert.Equal([1, 6, 11, 16], _run.Episodes.Select(e => (int)(e.Start - SimulationRun.Start).TotalMinutes));
        Assert.All(_run.Episodes, e => Assert.Equal(TimeSpan.FromMinutes(3), e.End - e.Start));
    }

    [Fact]
    public void Episodes_PricesAndSeriesMoveByTheDeclaredAmountsInOppositeDirections()
    {
        foreach (var episode in _run.Episodes)
        {
            foreach (var move in episode.PriceMoves)
            {
                double actual = ((_run.PriceAtOrAfter(move.Instrument, episode.End) / _run.PriceAtOrBefore(move.Instrument, episode.Start)) - 1) * 100;
                Assert.True(Math.Abs(actual - move.ChangePct) < 0.3, $"{episode.Description}: {move.Instrument} moved {actual:F2}%, declared {move.ChangePct:F2}%");
                Assert.Equal(episode.PriceUp, move.ChangePct > 0);
            }

            foreach (var flow in episode.Flows)
            {
                AssertFlowSeen(flow, _run.QuantityAtOrAfter(flow.Instrument, flow.Series, episode.End) - _run.QuantityAtOrBefore(flow.Instrument, flow.Series, episode.Start));
            }

            Assert.Equal(episode.PriceUp, episode.Flows[0].Change < 0);
        }
    }

    [Fact]
    public void ComexToLondonEpisode_VaultTakesAboutWhatRegisteredLoses()
    {
        var episode = _run.Episodes.Single(e => e.Kind == DivergenceKind.ComexToLondonSilver);

        var registered = episode.Flows.Single(f => f.Series == InventorySeries.Registered);
        var vault = episode.Flows.Single(f => f.Series == InventorySeries.Vault);

        Assert.InRange(Math.Abs(registered.Change), 0.08 * MarketCalibration.ComexSilverRegisteredOz, 0.12 * MarketCalibration.ComexSilverRegisteredOz);
        Assert.InRange(-vault.Change / registered.Change, 0.9, 1.1);
    }

    [Fact]
    public void CopperEpisode_CancelledShareMovesAgainstStocks()
    {
        var episode = _run.Episodes.Single(e => e.Kind == DivergenceKind.CopperStocksSqueeze);
        var copper = InstrumentId.Parse("LME:CA");

        double ShareAt(Func<InstrumentId, string, DateTimeOffset, double> read, DateTimeOffset time) =>
            read(copper, InventorySeries.Cancelled, time) / read(copper, InventorySeries.Stocks, time);

        double shareChange = ShareAt(_run.QuantityAtOrAfter, episode.End) - ShareAt(_run.QuantityAtOrBefore, episode.Start);
        Assert.Equal(episode.PriceUp, shareChange > 0.1);
    }

    [Fact]
    public void EpisodePriceMove_FadesWithTheHalfLifeOnceOver()
    {
        var run = SimulationRun.Record(
            new SimulatorOptions { TicksPerSecond = 50, EpisodeInterval = TimeSpan.FromHours(1), EpisodePriceHalfLife = TimeSpan.FromMinutes(1) },
            seed: 17, TimeSpan.FromMinutes(15), TimeSpan.FromSeconds(1));
        var episode = run.Episodes[0];
        var silver = InstrumentId.Parse("COMEX:SI");
        double before = run.PriceAtOrBefore(silver, episode.Start);

        double atEnd = run.PriceAtOrAfter(silver, episode.End) / before;
        double twoHalfLivesLater = run.PriceAtOrAfter(silver, episode.End.AddMinutes(2)) / before;
        double tenHalfLivesLater = run.PriceAtOrAfter(silver, episode.End.AddMinutes(10)) / before;

        Assert.InRange(Math.Log(twoHalfLivesLater), (Math.Log(atEnd) / 4) - 0.003, (Math.Log(atEnd) / 4) + 0.003);
        Assert.InRange(tenHalfLivesLater, 0.995, 1.005);
    }

    /// <summary>
    /// The published change equals the declared flow, up to rounding to whole units and the one report of reversion
    /// toward the starting level that the first publication after the end may already carry.
    /// </summary>
    private static void AssertFlowSeen(EpisodeFlow flow, double publishedChange)
    {
        double full = flow.Change;
        double afterOneReport = flow.Change * (1 - MarketCalibration.StockReversionPerReport);
        Assert.True(
            publishedChange >= Math.Min(full, afterOneReport) - 1 && publishedChange <= Math.Max(full, afterOneReport) + 1,
            $"{flow.Instrument}/{flow.Series}: published change {publishedChange}, declared {flow.Change}");
    }

    public sealed class FourEpisodes
    {
        public static readonly SimulatorOptions Options = new()
        {
            TicksPerSecond = 50,
            InventoryNoiseScale = 0,
            InventoryMinInterval = TimeSpan.FromSeconds(10),
            InventoryMaxInterval = TimeSpan.FromSeconds(20),
            FirstEpisodeDelay = TimeSpan.FromMinutes(1),
            EpisodeInterval = TimeSpan.FromMinutes(5),
            EpisodeDuration = TimeSpan.FromMinutes(3),
            EpisodePriceHalfLife = TimeSpan.FromDays(3650),
        };

        public SimulationRun Run { get; } = SimulationRun.Record(Options, seed: 21, TimeSpan.FromMinutes(20), TimeSpan.FromSeconds(1));
    }
}
