using Monitor.Core.Market;

namespace Monitor.Core.Indicators;

/// <summary>
/// <c>rsi(n)</c>: Wilder's RSI. The averages of gains and losses start as the plain mean of the first n changes
/// (first value at bar n + 1), then smooth as (prev(n-1) + x)/n. No losses gives 100; no movement at all
/// (gains and losses both zero, a flat or all-zero start) gives the neutral 50.
/// </summary>
public sealed class RelativeStrengthIndex : Indicator
{
    private readonly SeededAverage _gains;
    private readonly SeededAverage _losses;
    private double _previousClose;

    public RelativeStrengthIndex(int period)
        : base(IndicatorSpec.Format("rsi", period), "rsi")
    {
        Period = period;
        _gains = SeededAverage.Wilder(period);
        _losses = SeededAverage.Wilder(period);
    }

    public int Period { get; }

    public override int WarmUpPeriod => Period + 1;

    public override int ConvergencePeriod => 10 * Period;

    public double? Value
    {
        get
        {
            if (!_gains.IsReady)
            {
                return null;
            }

            double gain = _gains.Value;
            double loss = _losses.Value;
            if (loss == 0)
            {
                return gain == 0 ? 50 : 100;
            }

            return Finite(100 - (100 / (1 + (gain / loss))));
        }
    }

    public override double? Output(int index) => Value;

    protected override void OnBar(in Bar bar)
    {
        if (Samples > 1)
        {
            double change = bar.Close - _previousClose;
            _gains.Add(change > 0 ? change : 0);
            _losses.Add(change < 0 ? -change : 0);
        }

        _previousClose = bar.Close;
    }

    protected override void OnReset()
    {
        _gains.Clear();
        _losses.Clear();
    }
}
