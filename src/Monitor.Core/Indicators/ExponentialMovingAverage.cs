using Monitor.Core.Market;

namespace Monitor.Core.Indicators;

/// <summary><c>ema(n)</c>: exponential average of closes, k = 2/(n+1), seeded with the SMA of the first n.</summary>
public sealed class ExponentialMovingAverage : Indicator
{
    private readonly SeededAverage _average;

    public ExponentialMovingAverage(int period)
        : base(IndicatorSpec.Format("ema", period), "ema")
    {
        Period = period;
        _average = SeededAverage.Exponential(period);
    }

    public int Period { get; }

    public override int WarmUpPeriod => Period;

    /// <summary>The seed's influence fades below noise after about n + 100 bars.</summary>
    public override int ConvergencePeriod => Period + 100;

    public double? Value => When(_average.IsReady, _average.Value);

    public override double? Output(int index) => Value;

    protected override void OnBar(in Bar bar) => _average.Add(bar.Close);

    protected override void OnReset() => _average.Clear();
}
