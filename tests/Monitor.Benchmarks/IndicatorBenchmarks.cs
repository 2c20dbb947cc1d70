using System.Globalization;
using BenchmarkDotNet.Attributes;
using Monitor.Core.Indicators;
using Monitor.Core.Market;

namespace Monitor.Benchmarks;

/// <summary>
/// Cost of one streaming update plus reading every output, per bar: each invocation resets the indicator and feeds
/// it the same 200,000 bars (OperationsPerInvoke, so Mean is nanoseconds per bar and Allocated is bytes per bar).
/// </summary>
[MemoryDiagnoser]
[SimpleJob(warmupCount: 3, iterationCount: 10)]
public class IndicatorBenchmarks
{
    public const int BarCount = 200_000;

    private Bar[] _bars = [];
    private Indicator _indicator = null!;
    private int _outputCount;

    /// <summary>Sum of every output read, kept so the JIT cannot drop the work.</summary>
    private double _sink;

    /// <summary>The indicator under test, as a spec string for <see cref="IndicatorSpec.Create"/>.</summary>
    [ParamsSource(nameof(Specs))]
    public string Spec { get; set; } = "";

    public static IEnumerable<string> Specs =>
    [
        "ema(20)", "rsi(14)", "macd(12,26,9)", "atr(14)", "adx(14)", "stoch(14,3,3)", "bb(20,2)", "sma(20)",
        "donchian(20)", "keltner(20,2,10)", "wma(20)", "cci(20)", "willr(14)", "obv", "vwap", "stddev(10)",
        "roc(20)", "supertrend(14,3)",
    ];

    public double Sink => _sink;

    [GlobalSetup]
    public void Setup()
    {
        _bars = MarketData.RandomWalkBars(BarCount, seed: 20_240_102);
        _indicator = IndicatorSpec.Create(Spec);
        _outputCount = _indicator.Outputs.Count;

        // Reset must leave the indicator as good as new, or the measured invocations would not be alike.
        double fresh = Run(IndicatorSpec.Create(Spec), _bars, _outputCount);
        double reused = Run(_indicator, _bars, _outputCount);
        long before = GC.GetAllocatedBytesForCurrentThread();
        double again = Run(_indicator, _bars, _outputCount);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        if (fresh.CompareTo(reused) != 0 || fresh.CompareTo(again) != 0)
        {
            throw new InvalidOperationException(string.Create(
                CultureInfo.InvariantCulture,
                $"{Spec}: a reset indicator does not reproduce a fresh one (sums {fresh:R}, {reused:R}, {again:R})"));
        }

        // Exact, unlike the diagnoser's per-operation figure, which rounds bytes per invocation / 200,000.
        if (allocated != 0)
        {
            throw new InvalidOperationException(string.Create(
                CultureInfo.InvariantCulture,
                $"{Spec}: {allocated} bytes allocated over {BarCount} bars; updates and reads must not allocate"));
        }
    }

    [Benchmark(OperationsPerInvoke = BarCount)]
    public double UpdateAndRead()
    {
        double sum = Run(_indicator, _bars, _outputCount);
        _sink = sum;
        return sum;
    }

    private static double Run(Indicator indicator, Bar[] bars, int outputCount)
    {
        indicator.Reset();
        double sum = 0;
        for (int i = 0; i < bars.Length; i++)
        {
            indicator.Update(in bars[i]);
            for (int output = 0; output < outputCount; output++)
            {
                sum += indicator.Output(output).GetValueOrDefault();
            }
        }

        return sum;
    }
}
