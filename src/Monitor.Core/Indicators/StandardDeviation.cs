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
    private double _mean;
    private double _sd;

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

        double sd = _sd;
        return index switch
        {
            0 => Finite(sd),
            1 => Finite(_mean),
            2 => sd == 0 ? null : Finite((_close - _mean) / sd),
            _ => throw new ArgumentOutOfRangeException(nameof(index)),
        };
    }

    protected override void OnBar(in Bar bar)
    {
        _close = bar.Close;
        _closes.Add(bar.Close);
        if (_closes.IsFull)
        {
            _mean = _closes.Mean;
            _sd = _closes.PopulationStandardDeviation;
        }
    }

    protected override void OnReset() => _closes.Clear();
}
