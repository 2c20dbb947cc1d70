using Monitor.Core.Market;

namespace Monitor.Core.Indicators;

/// <summary>
/// <c>adx(n)</c>: Wilder's directional movement system. Smoothed TR, +DM and -DM start as plain sums of the first
/// n bars' values (from the second bar), then S - S/n + x. Outputs: pdi and mdi (100 DM/TR), dx, adx (mean of the
/// first n dx, then Wilder-smoothed) and adxr ((adx + adx n bars ago)/2).
/// A range of zero (a flat start) gives pdi = mdi = dx = 0, so the ADX still initialises.
/// </summary>
public sealed class AverageDirectionalIndex : Indicator
{
    private readonly SeededAverage _adx;
    private readonly RingBuffer _adxHistory;
    private TrueRange _trueRange;
    private double _previousHigh;
    private double _previousLow;
    private int _moves;
    private double _smoothedRange;
    private double _smoothedPlus;
    private double _smoothedMinus;
    private double _pdi;
    private double _mdi;
    private double _dx;

    public AverageDirectionalIndex(int period)
        : base(IndicatorSpec.Format("adx", period), "pdi", "mdi", "dx", "adx", "adxr")
    {
        Period = period;
        _adx = SeededAverage.Wilder(period);
        _adxHistory = new RingBuffer(period + 1);
    }

    public int Period { get; }

    public override int WarmUpPeriod => 3 * Period;

    /// <summary>2n + 100 bars, and never less than the warm-up (3n exceeds it from n = 101 on).</summary>
    public override int ConvergencePeriod => Math.Max(WarmUpPeriod, (2 * Period) + 100);

    public double? Adx => When(_adx.IsReady, _adx.Value);

    public override double? Output(int index)
    {
        bool directional = _moves >= Period;
        return index switch
        {
            0 => When(directional, _pdi),
            1 => When(directional, _mdi),
            2 => When(directional, _dx),
            3 => Adx,
            4 => When(_adxHistory.IsFull, (_adx.Value + _adxHistory.Oldest) / 2),
            _ => throw new ArgumentOutOfRangeException(nameof(index)),
        };
    }

    protected override void OnBar(in Bar bar)
    {
        bool hasPrevious = _trueRange.Next(bar, out double range);
        double up = bar.High - _previousHigh;
        double down = _previousLow - bar.Low;
        _previousHigh = bar.High;
        _previousLow = bar.Low;
        if (!hasPrevious)
        {
            return;
        }

        double plus = up > down ? Math.Max(up, 0) : 0;
        double minus = down > up ? Math.Max(down, 0) : 0;
        _moves++;
        if (_moves <= Period)
        {
            _smoothedRange += range;
            _smoothedPlus += plus;
            _smoothedMinus += minus;
            if (_moves < Period)
            {
                return;
            }
        }
        else
        {
            _smoothedRange = _smoothedRange - (_smoothedRange / Period) + range;
            _smoothedPlus = _smoothedPlus - (_smoothedPlus / Period) + plus;
            _smoothedMinus = _smoothedMinus - (_smoothedMinus / Period) + minus;
        }

        if (_smoothedRange == 0)
        {
            _pdi = _mdi = _dx = 0;
        }
        else
        {
            _pdi = 100 * _smoothedPlus / _smoothedRange;
            _mdi = 100 * _smoothedMinus / _smoothedRange;
            _dx = _pdi - _mdi == 0 ? 0 : 100 * Math.Abs(_pdi - _mdi) / (_pdi + _mdi);
        }

        _adx.Add(_dx);
        if (_adx.IsReady)
        {
            _adxHistory.Push(_adx.Value);
        }
    }

    protected override void OnReset()
    {
        _adx.Clear();
        _adxHistory.Clear();
        _trueRange.Clear();
        _moves = 0;
        _smoothedRange = _smoothedPlus = _smoothedMinus = 0;
        _pdi = _mdi = _dx = 0;
    }
}
