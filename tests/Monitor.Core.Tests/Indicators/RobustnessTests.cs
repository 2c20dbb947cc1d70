using Monitor.Core.Indicators;
using Monitor.Core.Market;

namespace Monitor.Core.Tests.Indicators;

/// <summary>Hostile input never produces NaN or infinity; updating after the warm-up allocates nothing.</summary>
public sealed class RobustnessTests
{
    private const int MeasuredUpdates = 10_000;

    private static readonly Lazy<Bar[]> Quiet = new(() => GeneratedBars.FlatAndIdle(seed: 61, count: 2_000 + MeasuredUpdates));

    [Theory]
    [MemberData(nameof(Specs.AllData), MemberType = typeof(Specs))]
    public void HostileBars_NeverGiveNaNOrInfinity(string spec)
    {
        foreach (int seed in new[] { 1, 2, 3 })
        {
            var indicator = IndicatorSpec.Create(spec);
            var bars = GeneratedBars.Hostile(seed, 4_000);
            var outputs = IndicatorAssert.Stream(indicator, bars);
            for (int o = 0; o < outputs.Length; o++)
            {
                int bad = Array.FindIndex(outputs[o], v => v is { } value && !double.IsFinite(value));
                if (bad >= 0)
                {
                    Assert.Fail($"{indicator.OutputKey(o)} gave {outputs[o][bad]} at bar {bad} of hostile series {seed}: {bars[bad]}");
                }
            }
        }
    }

    [Theory]
    [MemberData(nameof(Specs.AllData), MemberType = typeof(Specs))]
    public void UpdatesAfterWarmUp_AllocateNothing(string spec)
    {
        var indicator = IndicatorSpec.Create(spec);
        var bars = Quiet.Value;
        int warmUp = bars.Length - MeasuredUpdates;
        Feed(indicator, bars, 0, warmUp / 2); // also compiles the loop
        Feed(indicator, bars, warmUp / 2, warmUp);

        long before = GC.GetAllocatedBytesForCurrentThread();
        Feed(indicator, bars, warmUp, bars.Length);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.True(allocated == 0, $"{spec}: {allocated} bytes allocated over {MeasuredUpdates} updates");
    }

    private static double Feed(Indicator indicator, Bar[] bars, int from, int to)
    {
        double checksum = 0;
        for (int i = from; i < to; i++)
        {
            indicator.Update(bars[i]);
            for (int o = 0; o < indicator.Outputs.Count; o++)
            {
                checksum += indicator.Output(o) ?? 0;
            }
        }

        return checksum;
    }
}
