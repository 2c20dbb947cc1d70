using Monitor.Core.Market;

namespace Monitor.Core.Indicators;

/// <summary>
/// <c>donchian(n)</c>: highest high and lowest low of the n bars before the current one. Outputs: upperBand,
/// centerline (their midpoint), lowerBand and width ((U - L)/centerline, none when the centre line is 0).
/// </summary>
public sealed class DonchianChannels : Indicator
{
    private readonly RollingExtremes _previous;
    private double _upper;
    private double _lower;
    private bool _hasValue;

    public DonchianChannels(int period)
        : base(IndicatorSpec.Format("donchian", period), "upperBand", "centerline", "lowerBand", "width")
    {
        Period = period;
        _previous = new RollingExtremes(period);
    }

    public int Period { get; }

    public override int WarmUpPeriod => Period + 1;

    public override double? Output(int index)
    {
        if (!_hasValue)
        {
            return null;
        }

        double center = (_upper + _lower) / 2;
        return index switch
        {
            0 => _upper,
            1 => Finite(center),
            2 => _lower,
            3 => center == 0 ? null : Finite((_upper - _lower) / center),
            _ => throw new ArgumentOutOfRangeException(nameof(index)),
        };
    }

    protected override void OnBar(in Bar bar)
    {
        // The channel excludes the current bar: read it before adding the bar.
        _hasValue = _previous.IsFull;
        if (_hasValue)
        {
            _upper = _previous.Highest;
            _lower = _previous.Lowest;
        }

        _previous.Add(bar.High, bar.Low);
    }

    protected override void OnReset()
    {
        _previous.Clear();
        _hasValue = false;
    }
}
