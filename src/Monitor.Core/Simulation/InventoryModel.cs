using Monitor.Core.Market;

namespace Monitor.Core.Simulation;

/// <summary>How a series' report-to-report change is drawn.</summary>
internal enum SeriesNoise
{
    /// <summary>A share of the level, Laplace-distributed (fat tails like daily ETF and warehouse flows).</summary>
    Relative,

    /// <summary>An absolute amount, normal (weekly positioning changes).</summary>
    Absolute,
}

/// <summary>
/// One inventory series: a level that moves by a random change each report and reverts toward an anchor, plus the
/// active episode's flow, which is added in proportion to the episode's progress and kept (folded in) when it ends.
/// </summary>
internal sealed class SeriesModel
{
    private readonly SeriesNoise _noise;
    private readonly double _size;
    private readonly double _noChangeProbability;
    private readonly double _reversion;
    private readonly double _anchor;
    private readonly double _floor;

    private SeriesModel(
        InstrumentId instrument, string series, QuantityUnit unit, double level,
        SeriesNoise noise, double size, double noChangeProbability, double reversion, double anchor, double floor)
    {
        Instrument = instrument;
        Series = series;
        Unit = unit;
        Level = level;
        _noise = noise;
        _size = size;
        _noChangeProbability = noChangeProbability;
        _reversion = reversion;
        _anchor = anchor;
        _floor = floor;
    }

    public InstrumentId Instrument { get; }

    public string Series { get; }

    public QuantityUnit Unit { get; }

    /// <summary>Whether values are printed (the instrument is among the simulated ones).</summary>
    public bool Published { get; set; } = true;

    public double Level { get; private set; }

    /// <summary>The active episode's total flow into the series (negative: out of it).</summary>
    public double ActiveFlow { get; set; }

    /// <summary>A physical stock: relative daily changes, reverting slowly toward its starting level, never below 1 % of it.</summary>
    public static SeriesModel Stock(string instrument, string series, QuantityUnit unit, double level, double dailyChange, double noChangeProbability) =>
        new(InstrumentId.Parse(instrument), series, unit, level, SeriesNoise.Relative, dailyChange, noChangeProbability,
            MarketCalibration.StockReversionPerReport, level, 0.01 * level);

    /// <summary>A managed-money net position: an AR(1) around its long-run mean with absolute weekly changes.</summary>
    public static SeriesModel Positioning(string instrument, double level, double mean, double autocorrelation, double weeklyChange) =>
        new(InstrumentId.Parse(instrument), InventorySeries.ManagedMoneyNet, QuantityUnit.Contracts, level, SeriesNoise.Absolute,
            weeklyChange, 0, 1 - autocorrelation, mean, double.NegativeInfinity);

    /// <summary>A hidden share (LME cancelled warrants): an AR(1) around its mean, from 0.</summary>
    public static SeriesModel Share(string instrument, double mean, double autocorrelation, double noise) =>
        new(InstrumentId.Parse(instrument), "cancelledShare", QuantityUnit.Contracts, mean, SeriesNoise.Absolute,
            noise, 0, 1 - autocorrelation, mean, 0)
        { Published = false };

    /// <summary>One report's change. Draws the same random numbers whatever the outcome, so runs stay aligned.</summary>
    public void Step(SimulationRandom random, double noiseScale)
    {
        bool changes = random.NextDouble() >= _noChangeProbability;
        double shock = _noise == SeriesNoise.Relative ? random.NextLaplace() * Level : random.NextNormal();
        if (changes)
        {
            Level += shock * _size * noiseScale;
        }

        Level = Math.Max(_floor, Level + (_reversion * (_anchor - Level)));
    }

    /// <summary>The level plus <paramref name="progress"/> (0..1) of the active episode's flow.</summary>
    public double ValueAt(double progress) => Math.Max(_floor, Level + (ActiveFlow * progress));

    /// <summary>The episode is over: its flow becomes part of the level.</summary>
    public void Fold()
    {
        Level = ValueAt(1);
        ActiveFlow = 0;
    }
}

/// <summary>
/// One publication of one source (a CME stocks report, an ETF's holdings, the COT report...): its series are
/// stepped and printed together, at the same <c>publishedAt</c>. An LME report prints stocks, and splits them into
/// on-warrant and cancelled tonnes by a hidden cancelled share. A report with <paramref name="locations"/> prints each
/// total and then its split over those locations (depositories, warehouse locations), adding up to the total.
/// </summary>
internal sealed class InventoryReport(SeriesModel[] series, SeriesModel? cancelledShare = null, SimulatedLocations? locations = null)
{
    private const double MaxCancelledShare = 0.95;

    public IReadOnlyList<SeriesModel> Series => series;

    public SeriesModel? CancelledShare => cancelledShare;

    public long NextPublish { get; set; }

    public void Publish(long at, double progress, SimulationRandom random, double noiseScale, List<InventoryValue> output)
    {
        foreach (var model in series)
        {
            model.Step(random, noiseScale);
        }

        cancelledShare?.Step(random, noiseScale);

        var publishedAt = new DateTimeOffset(at, TimeSpan.Zero);
        var asOf = DateOnly.FromDateTime(publishedAt.UtcDateTime);
        if (cancelledShare is null)
        {
            foreach (var model in series)
            {
                if (model.Published)
                {
                    var value = new InventoryValue(model.Instrument, model.Series, asOf, publishedAt, Math.Round(model.ValueAt(progress)), model.Unit);
                    output.Add(value);
                    locations?.Split(value, output);
                }
            }

            return;
        }

        var stocks = series[0];
        if (!stocks.Published)
        {
            return;
        }

        double total = Math.Round(stocks.ValueAt(progress));
        double cancelled = Math.Round(total * Math.Clamp(cancelledShare.ValueAt(progress), 0, MaxCancelledShare));
        var stocksTotal = new InventoryValue(stocks.Instrument, InventorySeries.Stocks, asOf, publishedAt, total, QuantityUnit.Tonne);
        var cancelledTotal = stocksTotal with { Series = InventorySeries.Cancelled, Quantity = cancelled };
        output.Add(stocksTotal);
        output.Add(stocksTotal with { Series = InventorySeries.OnWarrant, Quantity = total - cancelled });
        output.Add(cancelledTotal);
        locations?.SplitWarrants(stocksTotal, cancelledTotal, output);
    }

    /// <summary>The reports the simulator publishes: 17 series on 8 instruments, in the series' base units; the
    /// COMEX and LME stocks by location too.</summary>
    public static InventoryReport[] BuiltIn() =>
    [
        new(
            [
                SeriesModel.Stock("COMEX:SI", InventorySeries.Registered, QuantityUnit.TroyOunce, MarketCalibration.ComexSilverRegisteredOz, MarketCalibration.ComexRegisteredDailyChange, 0),
                SeriesModel.Stock("COMEX:SI", InventorySeries.Eligible, QuantityUnit.TroyOunce, MarketCalibration.ComexSilverEligibleOz, MarketCalibration.ComexEligibleDailyChange, 0),
            ],
            locations: SimulatedLocations.ComexSilver()),
        new(
            [
                SeriesModel.Stock("COMEX:GC", InventorySeries.Registered, QuantityUnit.TroyOunce, MarketCalibration.ComexGoldRegisteredOz, MarketCalibration.ComexRegisteredDailyChange, 0),
                SeriesModel.Stock("COMEX:GC", InventorySeries.Eligible, QuantityUnit.TroyOunce, MarketCalibration.ComexGoldEligibleOz, MarketCalibration.ComexEligibleDailyChange, 0),
            ],
            locations: SimulatedLocations.ComexGold()),
        new(
            [SeriesModel.Stock("LME:CA", InventorySeries.Stocks, QuantityUnit.Tonne, MarketCalibration.LmeCopperStocksTonnes, MarketCalibration.LmeDailyChange, MarketCalibration.LmeNoChangeProbability)],
            SeriesModel.Share("LME:CA", MarketCalibration.LmeCopperCancelledShare, MarketCalibration.LmeCancelledShareAutocorrelation, MarketCalibration.LmeCancelledShareNoise),
            SimulatedLocations.LmeCopper()),
        new(
            [SeriesModel.Stock("LME:AH", InventorySeries.Stocks, QuantityUnit.Tonne, MarketCalibration.LmeAluminiumStocksTonnes, MarketCalibration.LmeDailyChange, MarketCalibration.LmeNoChangeProbability)],
            SeriesModel.Share("LME:AH", MarketCalibration.LmeAluminiumCancelledShare, MarketCalibration.LmeCancelledShareAutocorrelation, MarketCalibration.LmeCancelledShareNoise),
            SimulatedLocations.LmeAluminium()),
        new([SeriesModel.Stock("ETF:SLV", InventorySeries.Holdings, QuantityUnit.TroyOunce, MarketCalibration.SlvHoldingsOz, MarketCalibration.SlvDailyChange, MarketCalibration.SlvNoChangeProbability)]),
        new([SeriesModel.Stock("ETF:GLD", InventorySeries.Holdings, QuantityUnit.TroyOunce, MarketCalibration.GldHoldingsOz, MarketCalibration.GldDailyChange, MarketCalibration.GldNoChangeProbability)]),
        new([
            SeriesModel.Stock("COMEX:SI", InventorySeries.Vault, QuantityUnit.TroyOunce, MarketCalibration.LondonSilverVaultOz, MarketCalibration.LondonVaultDailyChange, 0),
            SeriesModel.Stock("COMEX:GC", InventorySeries.Vault, QuantityUnit.TroyOunce, MarketCalibration.LondonGoldVaultOz, MarketCalibration.LondonVaultDailyChange, 0),
        ]),
        new([
            SeriesModel.Positioning("COMEX:SI", MarketCalibration.SilverManagedMoneyNet, MarketCalibration.SilverManagedMoneyMean, MarketCalibration.SilverManagedMoneyAutocorrelation, MarketCalibration.SilverManagedMoneyWeeklyChange),
            SeriesModel.Positioning("COMEX:GC", MarketCalibration.GoldManagedMoneyNet, MarketCalibration.GoldManagedMoneyMean, MarketCalibration.GoldManagedMoneyAutocorrelation, MarketCalibration.GoldManagedMoneyWeeklyChange),
            SeriesModel.Positioning("COMEX:HG", MarketCalibration.CopperManagedMoneyNet, MarketCalibration.CopperManagedMoneyMean, MarketCalibration.CopperManagedMoneyAutocorrelation, MarketCalibration.CopperManagedMoneyWeeklyChange),
        ]),
    ];
}
