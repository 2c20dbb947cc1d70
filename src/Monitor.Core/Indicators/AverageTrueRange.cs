using Monitor.Core.Market;

namespace Monitor.Core.Indicators;

/// <summary>
/// <c>atr(n)</c>: Wilder's average true range. Outputs: tr (from the second bar), atr (the mean of the first
/// n true ranges at bar n + 1, then Wilder-smoothed) and atrp (atr as a percentage of the close; none at close 0).
/// </summary>
public sealed class AverageTrueRange : Indicator
{
    private readonly SeededAverage _average;
    private TrueRange _trueRange;
    private double _range;
    private bool _hasRange;
    private double _close;

    public AverageTrueRange(int period)
        : base(IndicatorSpec.Format("atr", period), "tr", "atr", "atrp")
    {
        Period = period;
        _average = SeededAverage.Wilder(period);
    }

    public int Period { get; }

    public override int WarmUpPeriod => Period + 1;

    public override int ConvergencePeriod => 10 * Period;

    public double? Value => When(_average.IsReady, _average.Value);

    public override double? Output(int index) => index switch
    {
        0 => When(_hasRange, _range),
        1 => Value,
        2 => _close == 0 ? null : When(_average.IsReady, _average.Value / _close * 100),
        _ => throw new ArgumentOutOfRangeException(nameof(index)),
    };

    protected override void OnBar(in Bar bar)
    {
        _close = bar.Close;
        _hasRange = _trueRange.Next(bar, out _range);
        if (_hasRange)
        {
            _average.Add(_range);
        }
    }

    protected override void OnReset()
    {
        _average.Clear();
        _trueRange.Clear();
        _hasRange = false;
    }
}
