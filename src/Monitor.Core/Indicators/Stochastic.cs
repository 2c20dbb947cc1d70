using Monitor.Core.Market;

namespace Monitor.Core.Indicators;

/// <summary>
/// <c>stoch(n,k,d)</c>: the stochastic oscillator. Raw %K = 100(C - LL)/(HH - LL) over the last n bars including
/// the current one, clamped to [0, 100], and 0 when the range is flat (HH = LL); k = SMA(k) of raw %K,
/// d = SMA(d) of k, j = 3k - 2d.
/// </summary>
public sealed class Stochastic : Indicator
{
    private readonly RollingExtremes _range;
    private readonly RollingStatistics _raw;
    private readonly RollingStatistics _k;

    public Stochastic(int period, int kSmoothing, int dSmoothing)
        : base(IndicatorSpec.Format("stoch", period, kSmoothing, dSmoothing), "k", "d", "j")
    {
        Period = period;
        KSmoothing = kSmoothing;
        DSmoothing = dSmoothing;
        _range = new RollingExtremes(period);
        _raw = new RollingStatistics(kSmoothing);
        _k = new RollingStatistics(dSmoothing);
    }

    public int Period { get; }

    public int KSmoothing { get; }

    public int DSmoothing { get; }

    public override int WarmUpPeriod => Period + KSmoothing + DSmoothing - 2;

    public double? K => When(_raw.IsFull, _raw.Mean);

    public double? D => When(_k.IsFull, _k.Mean);

    public override double? Output(int index) => index switch
    {
        0 => K,
        1 => D,
        2 => When(_k.IsFull, (3 * _raw.Mean) - (2 * _k.Mean)),
        _ => throw new ArgumentOutOfRangeException(nameof(index)),
    };

    /// <summary>Raw fast %K of a close within a high-low range, by the rules in the class summary.</summary>
    internal static double RawPercentK(double close, double highest, double lowest)
    {
        if (highest == lowest)
        {
            return 0;
        }

        double k = 100 * (close - lowest) / (highest - lowest);
        return double.IsFinite(k) ? Math.Clamp(k, 0, 100) : 0;
    }

    protected override void OnBar(in Bar bar)
    {
        _range.Add(bar.High, bar.Low);
        if (!_range.IsFull)
        {
            return;
        }

        _raw.Add(RawPercentK(bar.Close, _range.Highest, _range.Lowest));
        if (_raw.IsFull)
        {
            _k.Add(_raw.Mean);
        }
    }

    protected override void OnReset()
    {
        _range.Clear();
        _raw.Clear();
        _k.Clear();
    }
}
