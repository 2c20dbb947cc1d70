using Monitor.Core.Market;
using Monitor.Core.Simulation;

namespace Monitor.Core.Tests.Simulation;

/// <summary>
/// Twenty market years, one sample a market day: the simulated returns have the calibrated volatilities and
/// correlations. Market time runs 86,400 times faster than simulated time, so the run takes 5,040 simulated seconds.
/// Each instrument ticks about 150 times a market day, so that sampling its last tick of the day hardly lowers the
/// correlations (with 40 a day, HG/LME:CA comes out 0.02 low).
/// </summary>
public sealed class LongRunStatisticsTests(LongRunStatisticsTests.DailyReturns daily) : IClassFixture<LongRunStatisticsTests.DailyReturns>
{
    public static TheoryData<string> Instruments => [.. MarketCalibration.Instruments.Select(p => p.Instrument.Value)];

    [Theory]
    [MemberData(nameof(Instruments))]
    public void RealisedVolatility_WithinTenPercentOfTheCalibratedValue(string instrument)
    {
        var profile = MarketCalibration.Profile(InstrumentId.Parse(instrument));

        double realised = StandardDeviation(daily.Returns[profile.Instrument]) * Math.Sqrt(252);

        Assert.InRange(realised, profile.AnnualVolatility * 0.9, profile.AnnualVolatility * 1.1);
    }

    [Theory]
    [InlineData("COMEX:SI", "COMEX:GC", 0.6)]
    [InlineData("COMEX:HG", "LME:CA", 0.8)]
    [InlineData("COMEX:SI", "ETF:SLV", 0.9)]
    [InlineData("COMEX:GC", "ETF:GLD", 0.9)]
    [InlineData("ETF:SIL", "ETF:GDX", 0.8)]
    [InlineData("COMEX:HG", "ETF:COPX", 0.7)]
    [InlineData("LME:CA", "LME:AH", 0.4)]
    public void RealisedCorrelation_ClearlyPositiveAndNearTheModel(string first, string second, double atLeast)
    {
        var a = InstrumentId.Parse(first);
        var b = InstrumentId.Parse(second);

        double realised = Correlation(daily.Returns[a], daily.Returns[b]);

        Assert.True(realised >= atLeast, $"{first}/{second} correlate {realised:F3}, expected at least {atLeast}");
        Assert.InRange(realised, MarketCalibration.Correlation(a, b) - 0.05, MarketCalibration.Correlation(a, b) + 0.05);
    }

    [Fact]
    public void SilverAndCopper_CorrelateLessThanEitherWithItsOwnGroup()
    {
        double silverCopper = Correlation(daily.Returns[InstrumentId.Parse("COMEX:SI")], daily.Returns[InstrumentId.Parse("LME:CA")]);
        double silverSlv = Correlation(daily.Returns[InstrumentId.Parse("COMEX:SI")], daily.Returns[InstrumentId.Parse("ETF:SLV")]);
        double copperHg = Correlation(daily.Returns[InstrumentId.Parse("LME:CA")], daily.Returns[InstrumentId.Parse("COMEX:HG")]);

        Assert.True(silverCopper < silverSlv - 0.2 && silverCopper < copperHg - 0.2, $"SI/CA {silverCopper:F3}, SI/SLV {silverSlv:F3}, CA/HG {copperHg:F3}");
    }

    private static double StandardDeviation(IReadOnlyList<double> values)
    {
        double mean = values.Average();
        return Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / (values.Count - 1));
    }

    private static double Correlation(IReadOnlyList<double> first, IReadOnlyList<double> second)
    {
        double meanA = first.Average();
        double meanB = second.Average();
        double covariance = 0, varianceA = 0, varianceB = 0;
        for (int i = 0; i < first.Count; i++)
        {
            covariance += (first[i] - meanA) * (second[i] - meanB);
            varianceA += (first[i] - meanA) * (first[i] - meanA);
            varianceB += (second[i] - meanB) * (second[i] - meanB);
        }

        return covariance / Math.Sqrt(varianceA * varianceB);
    }

    /// <summary>Daily log returns of every instrument, from its last tick of each market day (about 150 ticks a day each).</summary>
    public sealed class DailyReturns
    {
        private const int Days = 20 * 252;

        public DailyReturns()
        {
            var options = new SimulatorOptions { TicksPerSecond = 150 * MarketCalibration.Instruments.Count, MarketTimeScale = 86_400, EpisodeInterval = null };
            var simulator = new MarketSimulator(options, seed: 2026);
            var returns = MarketCalibration.Instruments.ToDictionary(p => p.Instrument, _ => new List<double>(Days));
            var last = new Dictionary<InstrumentId, double>();
            List<Tick> ticks = [];
            List<InventoryValue> inventory = [];
            for (int day = 0; day <= Days; day++)
            {
                simulator.Advance(SimulationRun.Start.AddSeconds(day), ticks, inventory);
                var close = new Dictionary<InstrumentId, double>(last);
                foreach (var tick in ticks)
                {
                    close[tick.Instrument] = tick.Price;
                }

                foreach (var (instrument, price) in close)
                {
                    if (last.TryGetValue(instrument, out double previous))
                    {
                        returns[instrument].Add(Math.Log(price / previous));
                    }
                }

                last = close;
                ticks.Clear();
                inventory.Clear();
            }

            Returns = returns.ToDictionary(p => p.Key, p => (IReadOnlyList<double>)p.Value);
        }

        public IReadOnlyDictionary<InstrumentId, IReadOnlyList<double>> Returns { get; }
    }
}
