using Monitor.Core.Market;

namespace Monitor.Core.Indicators;

/// <summary>
/// <c>supertrend(n,multiplier)</c>: bands a multiple of Wilder's ATR(n) around (H + L)/2. The upper band only moves
/// down and the lower band only up, unless the previous close broke through; the trend turns bearish when the
/// close falls to the active lower band and bullish when it rises above the active upper band.
/// Outputs: superTrend (the active band), upperBand (only in a downtrend) and lowerBand (only in an uptrend).
/// </summary>
public sealed class SuperTrend : Indicator
{
    private readonly SeededAverage _atr;
    private TrueRange _trueRange;
    private double _previousClose;
    private double _upper;
    private double _lower;
    private bool _bullish;
    private bool _hasValue;

    public SuperTrend(int period, double multiplier)
        : base(IndicatorSpec.Format("supertrend", period, multiplier), "superTrend", "upperBand", "lowerBand")
    {
        Period = period;
        Multiplier = multiplier;
        _atr = SeededAverage.Wilder(period);
    }

    public int Period { get; }

    public double Multiplier { get; }

    public override int WarmUpPeriod => Period + 1;

    public override int ConvergencePeriod => 10 * Period;

    public override double? Output(int index) => index switch
    {
        0 => When(_hasValue, _bullish ? _lower : _upper),
        1 => When(_hasValue && !_bullish, _upper),
        2 => When(_hasValue && _bullish, _lower),
        _ => throw new ArgumentOutOfRangeException(nameof(index)),
    };

    protected override void OnBar(in Bar bar)
    {
        if (_trueRange.Next(bar, out double range))
        {
            _atr.Add(range);
        }

        if (_atr.IsReady)
        {
            double mid = (bar.High + bar.Low) / 2;
            double upperCandidate = mid + (Multiplier * _atr.Value);
            double lowerCandidate = mid - (Multiplier * _atr.Value);
            if (!_hasValue)
            {
                _bullish = bar.Close >= mid;
                _upper = upperCandidate;
                _lower = lowerCandidate;
                _hasValue = true;
            }

            if (upperCandidate < _upper || _previousClose > _upper)
            {
                _upper = upperCandidate;
            }

            if (lowerCandidate > _lower || _previousClose < _lower)
            {
                _lower = lowerCandidate;
            }

            _bullish = bar.Close > (_bullish ? _lower : _upper);
        }

        _previousClose = bar.Close;
    }

    protected override void OnReset()
    {
        _atr.Clear();
        _trueRange.Clear();
        _hasValue = false;
    }
}
