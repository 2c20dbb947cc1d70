using Monitor.Core.Market;

namespace Monitor.Core.Indicators;

/// <summary><c>sma(n)</c>: mean of the last n closes. First value at bar n.</summary>
public sealed class SimpleMovingAverage : Indicator
{
    private readonly RollingStatistics _closes;

    public SimpleMovingAverage(int period)
        : base(IndicatorSpec.Format("sma", period), "sma")
    {
        Period = period;
        _closes = new RollingStatistics(period);
    }

    public int Period { get; }

    public override int WarmUpPeriod => Period;

    public double? Value => When(_closes.IsFull, _closes.Mean);

    public override double? Output(int index) => Value;

    protected override void OnBar(in Bar bar) => _closes.Add(bar.Close);

    protected override void OnReset() => _closes.Clear();
}
