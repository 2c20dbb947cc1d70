using Monitor.Core.Market;

namespace Monitor.Core.Simulation;

/// <summary>
/// The parameters of the simulated market, fitted to public daily history of these markets
/// (prices, exchange stocks, ETF holdings).
/// The fit was a throwaway script; the data itself is not part of this repository. Where the dataset has nothing,
/// the value is an order of magnitude of public figures and says so.
/// </summary>
public static class MarketCalibration
{
    /// <summary>
    /// Volatilities are per trading year of 252 days. The simulator runs round the clock, so one trading year is
    /// 252 days of 24 hours of simulated time (times <see cref="SimulatorOptions.MarketTimeScale"/>): a simulated
    /// day then moves as much as a real trading day did.
    /// </summary>
    public const double TradingYearSeconds = 252 * 86_400;

    // Factor jumps. A daily return beyond 4 robust standard deviations (1.4826 * median absolute deviation) of the
    // defining instrument counts as a jump: JumpsPerYear = their count per 252 days, JumpSize = their root mean
    // square divided by the instrument's annualised volatility. futures_yf_daily 2018-01-02..2025-08-22 for GC, SI,
    // HG, PL; etf_daily_ohlcv_2020_2025 2020-07-27..2025-04-04 for SMH, GDX, REMX (REMX has no such day once its two
    // bad prints of 2023-02-01 and 2023-02-06 are dropped).
    public const double GoldJumpsPerYear = 3.02;
    public const double GoldJumpSize = 0.257;
    public const double SilverJumpsPerYear = 4.46;
    public const double SilverJumpSize = 0.256;
    public const double CopperJumpsPerYear = 1.31;
    public const double CopperJumpSize = 0.422;
    public const double EquityJumpsPerYear = 1.28;
    public const double EquityJumpSize = 0.260;
    public const double GoldMinersJumpsPerYear = 0.64;
    public const double GoldMinersJumpSize = 0.269;
    public const double PlatinumGroupJumpsPerYear = 1.18;
    public const double PlatinumGroupJumpSize = 0.313;

    // LME has no price history in the dataset. Copper takes COMEX copper's volatility and loadings scaled so that
    // it correlates 0.90 with COMEX:HG; aluminium takes them scaled to 0.60 (copper and aluminium usually move
    // together at 0.5-0.7 day to day). Assumptions, not fits.
    public const double LmeCopperCorrelationWithComex = 0.90;
    public const double LmeAluminiumCorrelationWithComexCopper = 0.60;

    // COMEX HG=F close on 2025-08-22 (4.4475 USD/lb) in USD/t. Aluminium: the brief's level (no price in the dataset).
    public const double LmeCopperStartPrice = 9_805;
    public const double LmeAluminiumStartPrice = 2_500;

    // The other metals of the LME stocks report: no price in the dataset either. Start prices are orders of magnitude
    // of 2025's 3-month prices; each moves with COMEX copper's volatility and loadings scaled to the correlation given
    // (base metals move together at 0.4-0.7 day to day; cobalt, a thin contract, hardly at all). Assumptions, not fits.
    public const double LmeZincStartPrice = 2_800;
    public const double LmeLeadStartPrice = 2_000;
    public const double LmeNickelStartPrice = 15_000;
    public const double LmeTinStartPrice = 33_000;
    public const double LmeAluminiumAlloyStartPrice = 2_400;
    public const double LmeNasaacStartPrice = 2_500;
    public const double LmeCobaltStartPrice = 33_000;
    public const double LmeBaseMetalCorrelationWithComexCopper = 0.50;
    public const double LmeCobaltCorrelationWithComexCopper = 0.20;

    public static IReadOnlyList<FactorProfile> Factors { get; } =
    [
        new(MarketFactor.Gold, "COMEX:GC", GoldJumpsPerYear, GoldJumpSize),
        new(MarketFactor.Silver, "COMEX:SI", SilverJumpsPerYear, SilverJumpSize),
        new(MarketFactor.Copper, "COMEX:HG", CopperJumpsPerYear, CopperJumpSize),
        new(MarketFactor.Equity, "ETF:SMH", EquityJumpsPerYear, EquityJumpSize),
        new(MarketFactor.GoldMiners, "ETF:GDX", GoldMinersJumpsPerYear, GoldMinersJumpSize),
        new(MarketFactor.PlatinumGroup, "NYMEX:PL", PlatinumGroupJumpsPerYear, PlatinumGroupJumpSize),
        new(MarketFactor.BatteryMetals, "ETF:REMX", 0, 0),
    ];

    private static readonly FactorLoadings ComexCopperLoadings = new(Gold: 0.430, Silver: 0.391, Copper: 0.814);

    /// <summary>
    /// <para>Volatility: standard deviation of daily log returns of closes times sqrt(252). Futures (COMEX, NYMEX):
    /// futures_yf_daily, 2018-01-02..2025-08-22 (HG's Thanksgiving phantom row 2023-11-23 dropped). ETFs:
    /// etf_daily_ohlcv_2020_2025, 2020-07-27..2025-04-04 (REMX's bad prints 2023-02-01 and 2023-02-06 dropped).</para>
    /// <para>Loadings: correlations of weekly (every fifth common trading day) log returns with the factors, over the
    /// dates all fifteen series share, 2020-07-27..2025-04-04 (231 weeks). Weekly rather than daily returns because the
    /// futures settle and the ETFs close at different hours, which hides a third of the SI/SLV co-movement day to
    /// day (daily 0.91, weekly 0.98). Loadings under 0.05 in size were left to the instrument's own noise.</para>
    /// <para>Start prices: closes of 2025-08-22, the last day of futures_yf_daily; the ETFs from etf_close_long on the
    /// same day, so the cross-section is consistent (SLV/SI = 0.906, the trust's ounces per share).</para>
    /// <para>Tick sizes are the exchanges' price increments; lot sizes and mean lots only shape the printed volume
    /// (the dataset's volumes are single-venue or tiny, so they were not fitted).</para>
    /// </summary>
    public static IReadOnlyList<InstrumentProfile> Instruments { get; } =
    [
        Future("LME:CA", LmeCopperStartPrice, 0.253, ComexCopperLoadings.Scale(LmeCopperCorrelationWithComex), tickSize: 0.5, meanLots: 2),
        Future(LmeCopperCash, Math.Round(LmeCopperStartPrice * (1 - LmeCopperCashContango) * 2) / 2, 0.253, ComexCopperLoadings.Scale(LmeCopperCorrelationWithComex), tickSize: 0.5, meanLots: 2),
        Future("LME:AH", LmeAluminiumStartPrice, 0.253, ComexCopperLoadings.Scale(LmeAluminiumCorrelationWithComexCopper), tickSize: 0.5, meanLots: 2),
        Future("LME:ZS", LmeZincStartPrice, 0.253, ComexCopperLoadings.Scale(LmeBaseMetalCorrelationWithComexCopper), tickSize: 0.5, meanLots: 2),
        Future("LME:PB", LmeLeadStartPrice, 0.253, ComexCopperLoadings.Scale(LmeBaseMetalCorrelationWithComexCopper), tickSize: 0.5, meanLots: 2),
        Future("LME:NI", LmeNickelStartPrice, 0.253, ComexCopperLoadings.Scale(LmeBaseMetalCorrelationWithComexCopper), tickSize: 5, meanLots: 2),
        Future("LME:SN", LmeTinStartPrice, 0.253, ComexCopperLoadings.Scale(LmeBaseMetalCorrelationWithComexCopper), tickSize: 5, meanLots: 1),
        Future("LME:AA", LmeAluminiumAlloyStartPrice, 0.253, ComexCopperLoadings.Scale(LmeAluminiumCorrelationWithComexCopper), tickSize: 0.5, meanLots: 1),
        Future("LME:NA", LmeNasaacStartPrice, 0.253, ComexCopperLoadings.Scale(LmeAluminiumCorrelationWithComexCopper), tickSize: 0.5, meanLots: 1),
        Future("LME:CO", LmeCobaltStartPrice, 0.253, ComexCopperLoadings.Scale(LmeCobaltCorrelationWithComexCopper), tickSize: 1, meanLots: 1),
        Future("COMEX:HG", 4.4475, 0.253, ComexCopperLoadings, tickSize: 0.0005, meanLots: 3),
        Future("COMEX:SI", 39.005, 0.302, new(Gold: 0.771, Silver: 0.637), tickSize: 0.005, meanLots: 3),
        Future("COMEX:GC", 3_374.4, 0.154, new(Gold: 1.0), tickSize: 0.1, meanLots: 3),
        Future("NYMEX:PL", 1_355.4, 0.296, new(Gold: 0.532, Silver: 0.315, Copper: 0.233, Equity: 0.052, PlatinumGroup: 0.747), tickSize: 0.1, meanLots: 2),
        Future("NYMEX:PA", 1_123.5, 0.414, new(Gold: 0.389, Silver: 0.211, Copper: 0.205, GoldMiners: 0.139, PlatinumGroup: 0.307), tickSize: 0.5, meanLots: 2),
        Etf("ETF:SLV", 35.34, 0.305, new(Gold: 0.755, Silver: 0.619, GoldMiners: 0.069)),
        Etf("ETF:GLD", 310.58, 0.148, new(Gold: 0.973, GoldMiners: 0.065)),
        Etf("ETF:SIL", 54.67, 0.378, new(Gold: 0.750, Silver: 0.396, Copper: 0.121, Equity: 0.084, GoldMiners: 0.391)),
        Etf("ETF:GDX", 59.75, 0.336, new(Gold: 0.824, Silver: 0.218, Copper: 0.129, Equity: 0.069, GoldMiners: 0.501)),
        Etf("ETF:COPX", 46.95, 0.353, new(Gold: 0.389, Silver: 0.431, Copper: 0.611, Equity: 0.175, GoldMiners: 0.169, PlatinumGroup: 0.088, BatteryMetals: 0.242)),
        Etf("ETF:REMX", 57.82, 0.389, new(Gold: 0.232, Silver: 0.287, Copper: 0.433, Equity: 0.381, GoldMiners: 0.105, PlatinumGroup: 0.094, BatteryMetals: 0.715)),
        Etf("ETF:SMH", 292.73, 0.345, new(Gold: 0.172, Silver: 0.212, Copper: 0.191, Equity: 0.943)),
        Etf("ETF:LIT", 46.19, 0.326, new(Gold: 0.158, Silver: 0.211, Copper: 0.269, Equity: 0.461, GoldMiners: 0.105, PlatinumGroup: 0.063, BatteryMetals: 0.604)),
        Etf("ETF:URA", 37.64, 0.409, new(Gold: 0.295, Silver: 0.278, Copper: 0.300, Equity: 0.271, GoldMiners: 0.134, PlatinumGroup: 0.060, BatteryMetals: 0.160)),
        Etf("ETF:XME", 79.84, 0.331, new(Gold: 0.347, Silver: 0.322, Copper: 0.459, Equity: 0.261, GoldMiners: 0.247, PlatinumGroup: 0.108, BatteryMetals: 0.222)),
    ];

    // ---- Inventories. Each publication of the simulator stands for one report: a business day (a week for mmNet).

    // comex_silver_inventory_2026: the last of the 7 distinct CME readings, 2026-02-02; day-over-day changes of the
    // 7 readings (2026-01-26..2026-02-02): registered sd 1.58 %, eligible sd 0.58 %.
    public const double ComexSilverRegisteredOz = 104_017_537;
    public const double ComexSilverEligibleOz = 301_680_057;
    public const double ComexRegisteredDailyChange = 0.0158;
    public const double ComexEligibleDailyChange = 0.0058;

    // COMEX gold stocks: not in the dataset. Order of magnitude of CME's gold stocks report in 2025; the daily
    // changes are taken to be silver's (above).
    public const double ComexGoldRegisteredOz = 20_000_000;
    public const double ComexGoldEligibleOz = 18_000_000;

    // slv_shares_outstanding: SLV holdings (shares x ounces per share) on 2025-08-22, the price date, from
    // slv_holdings_derived_approx.csv. Daily share changes 2020-01-02..2026-10-07 (1,699 days): none on 30.7 % of days,
    // sd 0.78 % on the others (p99 of all days 2.4 %, matched by the Laplace shape the simulator draws from).
    public const double SlvHoldingsOz = 491_461_599;
    public const double SlvNoChangeProbability = 0.307;
    public const double SlvDailyChange = 0.0078;

    // gld_holdings: ounces in the trust on 2025-05-23 (the last row). Daily changes 2018-01-02..2025-05-23 (1,859 days,
    // HOLIDAY rows skipped): none on 37.3 % of days, sd 0.51 % on the others.
    public const double GldHoldingsOz = 29_657_981;
    public const double GldNoChangeProbability = 0.373;
    public const double GldDailyChange = 0.0051;

    // LBMA London vaults: not in the dataset (LBMA publishes monthly). Order of magnitude of 2025's figures:
    // ~24,600 t of silver and ~8,800 t of gold. A day's change of 0.3 % is an assumption.
    public const double LondonSilverVaultOz = 790_000_000;
    public const double LondonGoldVaultOz = 283_000_000;
    public const double LondonVaultDailyChange = 0.003;

    // LME warehouse stocks: not in the dataset. Order of magnitude of 2025's figures; the daily change (1 %, no change
    // on 5 % of days) and the cancelled share (12 % copper, 30 % aluminium; AR(1) 0.95, sd 1 point) are assumptions.
    public const double LmeCopperStocksTonnes = 155_000;
    public const double LmeCopperCancelledShare = 0.12;
    public const double LmeAluminiumStocksTonnes = 480_000;
    public const double LmeAluminiumCancelledShare = 0.30;
    public const double LmeDailyChange = 0.01;
    public const double LmeNoChangeProbability = 0.05;
    public const double LmeCancelledShareAutocorrelation = 0.95;
    public const double LmeCancelledShareNoise = 0.01;

    // cot_managed_money: managed-money net (mm_long - mm_short, contracts), weekly 2018-01-02..2026-01-06 (419 reports).
    // Start: the last report, 2026-01-06. The series reverts to its 2018-2026 mean with the fitted weekly AR(1)
    // coefficient; innovations have the sd of the weekly change.
    public const double SilverManagedMoneyNet = 15_822;
    public const double SilverManagedMoneyMean = 19_637;
    public const double SilverManagedMoneyAutocorrelation = 0.936;
    public const double SilverManagedMoneyWeeklyChange = 8_059;
    public const double GoldManagedMoneyNet = 123_213;
    public const double GoldManagedMoneyMean = 96_756;
    public const double GoldManagedMoneyAutocorrelation = 0.966;
    public const double GoldManagedMoneyWeeklyChange = 18_760;
    public const double CopperManagedMoneyNet = 68_242;
    public const double CopperManagedMoneyMean = 14_389;
    public const double CopperManagedMoneyAutocorrelation = 0.948;
    public const double CopperManagedMoneyWeeklyChange = 10_115;

    /// <summary>
    /// How fast a physical stock drifts back to its starting level, per report. A demo choice, not a fit (the data
    /// trends for years): it keeps a long-running demo's stocks in a realistic range after many episodes.
    /// </summary>
    public const double StockReversionPerReport = 0.02;

    /// <summary>The profile of a built-in instrument.</summary>
    public static InstrumentProfile Profile(InstrumentId instrument) =>
        TryGetProfile(instrument, out var profile)
            ? profile
            : throw new ArgumentException($"{instrument} is not simulated; the simulator knows the built-in instruments only", nameof(instrument));

    public static bool TryGetProfile(InstrumentId instrument, out InstrumentProfile profile)
    {
        foreach (var candidate in Instruments)
        {
            if (candidate.Instrument == instrument)
            {
                profile = candidate;
                return true;
            }
        }

        profile = null!;
        return false;
    }

    /// <summary>The model's correlation of two instruments' log returns.</summary>
    public static double Correlation(InstrumentId first, InstrumentId second) =>
        first == second ? 1 : Profile(first).Loadings.Dot(Profile(second).Loadings);

    /// <summary>How many percent <paramref name="follower"/> moves, on average, when <paramref name="lead"/> moves one percent.</summary>
    public static double Beta(InstrumentId follower, InstrumentId lead) =>
        Correlation(follower, lead) * Profile(follower).AnnualVolatility / Profile(lead).AnnualVolatility;

    /// <summary>LME copper cash, priced off the 3-month (<c>LME:CA</c>) rather than by the factors: see <see cref="MarketSimulator"/>.</summary>
    public const string LmeCopperCash = "LME:CA.CASH";

    /// <summary>Cash under 3-month in a calm market: a contango of 0.3% (about $30/t), the usual carry.</summary>
    public const double LmeCopperCashContango = 0.003;

    /// <summary>
    /// The share of an episode's copper move that shows in the cash premium: a 5% squeeze rally lifts cash 0.75% against
    /// 3-month, into a backwardation of about $40/t, the kind of tightness the stock squeezes of 2021 and 2024 printed.
    /// </summary>
    public const double LmeCopperCashSqueezeShare = 0.15;

    private static InstrumentProfile Future(string id, double startPrice, double volatility, FactorLoadings loadings, double tickSize, double meanLots) =>
        new(InstrumentId.Parse(id), startPrice, volatility, loadings, tickSize, LotSize: 1, meanLots);

    private static InstrumentProfile Etf(string id, double startPrice, double volatility, FactorLoadings loadings) =>
        new(InstrumentId.Parse(id), startPrice, volatility, loadings, TickSize: 0.01, LotSize: 100, MeanLots: 4);
}
