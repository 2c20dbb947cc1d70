using System.Globalization;
using BenchmarkDotNet.Attributes;
using Monitor.Core.Market;

namespace Monitor.Benchmarks;

/// <summary>
/// Cost of <see cref="BarAggregator.Add(in Tick, out Bar)"/> per tick: 1,000,000 in-order ticks about 8 to a
/// one-minute bar (OperationsPerInvoke, so Mean is nanoseconds per tick and Allocated is bytes per tick).
/// </summary>
[MemoryDiagnoser]
[SimpleJob(warmupCount: 3, iterationCount: 10)]
public class BarAggregatorBenchmarks
{
    public const int TickCount = 1_000_000;

    private readonly BarAggregator _aggregator = new(BarInterval.OneMinute);
    private Tick[] _ticks = [];
    private double _sink;

    public double Sink => _sink;

    [GlobalSetup]
    public void Setup()
    {
        _ticks = MarketData.RandomWalkTicks(TickCount, seed: 20_240_102);

        // Exact, unlike the diagnoser's per-operation figure, which rounds bytes per invocation / 1,000,000.
        AddTicks();
        long before = GC.GetAllocatedBytesForCurrentThread();
        AddTicks();
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        if (allocated != 0)
        {
            throw new InvalidOperationException(string.Create(
                CultureInfo.InvariantCulture,
                $"BarAggregator: {allocated} bytes allocated over {TickCount} ticks; adding a tick must not allocate"));
        }
    }

    [Benchmark(OperationsPerInvoke = TickCount)]
    public double AddTicks()
    {
        var aggregator = _aggregator;
        aggregator.Reset();
        var ticks = _ticks;
        double sum = 0;
        for (int i = 0; i < ticks.Length; i++)
        {
            if (aggregator.Add(in ticks[i], out var closed) == BarUpdate.Closed)
            {
                sum += closed.Close + closed.Volume;
            }
        }

        _sink = sum;
        return sum;
    }
}
