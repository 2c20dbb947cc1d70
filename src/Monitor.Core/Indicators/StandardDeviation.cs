using Monitor.Core.Market;

namespace Monitor.Core.Indicators;

/// <summary>
/// <c>stddev(n)</c>: population standard deviation of the last n closes. Outputs: stdDev, mean and zScore
/// ((C - mean)/stdDev, none when stdDev is 0).
/// </summary>
public sealed class StandardDeviation : Indicator
{
    private readonly RollingStatistics _closes;
    private double _close;

    public StandardDeviation(int period)
        : base(IndicatorSpec.Format("stddev", period), "stdDev", "mean", "zScore")
    {
        Period = period;
        _closes = new RollingStatistics(period);
    }

    public int Period { get; }

    public override int WarmUpPeriod => Period;

    public override double? Output(int index)
    {
        if (!_closes.IsFull)
        {
            return null;
        }

        double sd = _closes.PopulationStandardDeviation;
        return index switch
        {
            0 => Finite(sd),
            1 => Finite(_closes.Mean),
            2 => sd == 0 ? null : Finite((_close - _closes.Mean) / sd),
            _ => throw new ArgumentOutOfRangeException(nameof(index)),
        };
    }

    protected override void OnBar(in Bar bar)
    {
        _close = bar.Close;
        _closes.Add(bar.Close);
    }

    protected override void OnReset() => _closes.Clear();
}
