using Monitor.Core.Market;

namespace Monitor.Core.Indicators;

/// <summary>
/// <c>bb(n,k)</c>: SMA of closes with bands k population standard deviations away.
/// Outputs: sma, upperBand, lowerBand, percentB ((C - L)/(U - L), none when the bands meet), zScore
/// ((C - sma)/sd, none when sd is 0) and width ((U - L)/sma, none when sma is 0).
/// </summary>
public sealed class BollingerBands : Indicator
{
    private readonly RollingStatistics _closes;
    private double _close;
    private double _sma;
    private double _sd;

    public BollingerBands(int period, double deviations)
        : base(IndicatorSpec.Format("bb", period, deviations), "sma", "upperBand", "lowerBand", "percentB", "zScore", "width")
    {
        Period = period;
        Deviations = deviations;
        _closes = new RollingStatistics(period);
    }

    public int Period { get; }

    public double Deviations { get; }

    public override int WarmUpPeriod => Period;

    public override double? Output(int index)
    {
        if (!_closes.IsFull)
        {
            return null;
        }

        double sma = _sma;
        double sd = _sd;
        double upper = sma + (Deviations * sd);
        double lower = sma - (Deviations * sd);
        return index switch
        {
            0 => Finite(sma),
            1 => Finite(upper),
            2 => Finite(lower),
            3 => upper == lower ? null : Finite((_close - lower) / (upper - lower)),
            4 => sd == 0 ? null : Finite((_close - sma) / sd),
            5 => sma == 0 ? null : Finite((upper - lower) / sma),
            _ => throw new ArgumentOutOfRangeException(nameof(index)),
        };
    }

    protected override void OnBar(in Bar bar)
    {
        _close = bar.Close;
        _closes.Add(bar.Close);
        if (_closes.IsFull)
        {
            _sma = _closes.Mean;
            _sd = _closes.PopulationStandardDeviation;
        }
    }

    protected override void OnReset() => _closes.Clear();
}
