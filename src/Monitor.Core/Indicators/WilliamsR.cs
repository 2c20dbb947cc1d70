using Monitor.Core.Market;

namespace Monitor.Core.Indicators;

/// <summary>
/// <c>willr(n)</c>: Williams %R, the raw stochastic %K over n bars minus 100, in [-100, 0]; a flat range gives -100.
/// </summary>
public sealed class WilliamsR : Indicator
{
    private readonly RollingExtremes _range;
    private double _close;

    public WilliamsR(int period)
        : base(IndicatorSpec.Format("willr", period), "willr")
    {
        Period = period;
        _range = new RollingExtremes(period);
    }

    public int Period { get; }

    public override int WarmUpPeriod => Period;

    public double? Value => When(_range.IsFull, Stochastic.RawPercentK(_close, _range.Highest, _range.Lowest) - 100);

    public override double? Output(int index) => Value;

    protected override void OnBar(in Bar bar)
    {
        _close = bar.Close;
        _range.Add(bar.High, bar.Low);
    }

    protected override void OnReset() => _range.Clear();
}
