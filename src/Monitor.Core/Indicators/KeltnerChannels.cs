using Monitor.Core.Market;

namespace Monitor.Core.Indicators;

/// <summary>
/// <c>keltner(emaPeriod,multiplier,atrPeriod)</c>: EMA of closes with bands a multiple of Wilder's ATR away.
/// Outputs: upperBand, centerline, lowerBand and width (2 x span / centerline, none when the centre line is 0).
/// </summary>
public sealed class KeltnerChannels : Indicator
{
    private readonly SeededAverage _center;
    private readonly SeededAverage _atr;
    private TrueRange _trueRange;

    public KeltnerChannels(int emaPeriod, double multiplier, int atrPeriod)
        : base(IndicatorSpec.Format("keltner", emaPeriod, multiplier, atrPeriod), "upperBand", "centerline", "lowerBand", "width")
    {
        EmaPeriod = emaPeriod;
        Multiplier = multiplier;
        AtrPeriod = atrPeriod;
        _center = SeededAverage.Exponential(emaPeriod);
        _atr = SeededAverage.Wilder(atrPeriod);
    }

    public int EmaPeriod { get; }

    public double Multiplier { get; }

    public int AtrPeriod { get; }

    public override int WarmUpPeriod => Math.Max(EmaPeriod, AtrPeriod + 1);

    public override int ConvergencePeriod => Math.Max(EmaPeriod + 100, 10 * AtrPeriod);

    public override double? Output(int index)
    {
        if (!_center.IsReady || !_atr.IsReady)
        {
            return null;
        }

        double center = _center.Value;
        double span = _atr.Value * Multiplier;
        return index switch
        {
            0 => Finite(center + span),
            1 => Finite(center),
            2 => Finite(center - span),
            3 => center == 0 ? null : Finite(2 * span / center),
            _ => throw new ArgumentOutOfRangeException(nameof(index)),
        };
    }

    protected override void OnBar(in Bar bar)
    {
        _center.Add(bar.Close);
        if (_trueRange.Next(bar, out double range))
        {
            _atr.Add(range);
        }
    }

    protected override void OnReset()
    {
        _center.Clear();
        _atr.Clear();
        _trueRange.Clear();
    }
}
