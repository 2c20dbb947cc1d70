namespace Monitor.Core.Indicators;

/// <summary>
/// A running average seeded with the simple mean of its first n values, then smoothed one value at a time:
/// exponentially, prev + k(x - prev) with k = 2/(n+1), or Wilder's way, (prev(n-1) + x)/n.
/// </summary>
internal sealed class SeededAverage
{
    private readonly int _length;
    private readonly bool _wilder;
    private readonly double _k;
    private double _seedSum;

    private SeededAverage(int length, bool wilder)
    {
        _length = length;
        _wilder = wilder;
        _k = 2d / (length + 1);
    }

    public int Count { get; private set; }

    public bool IsReady => Count >= _length;

    public double Value { get; private set; }

    public static SeededAverage Exponential(int length) => new(length, wilder: false);

    public static SeededAverage Wilder(int length) => new(length, wilder: true);

    public void Add(double value)
    {
        if (Count >= _length)
        {
            Value = _wilder ? ((Value * (_length - 1)) + value) / _length : Value + (_k * (value - Value));
        }
        else
        {
            _seedSum += value;
            if (Count + 1 == _length)
            {
                Value = _seedSum / _length;
            }
        }

        Count++;
    }

    public void Clear()
    {
        Count = 0;
        _seedSum = 0;
        Value = 0;
    }
}

/// <summary>True range: the bar's range widened to reach the previous close. None on the first bar.</summary>
internal struct TrueRange
{
    private double _previousClose;
    private bool _hasPrevious;

    /// <summary>Returns false on the first bar (no previous close), else the true range in <paramref name="range"/>.</summary>
    public bool Next(in Market.Bar bar, out double range)
    {
        range = _hasPrevious
            ? Math.Max(bar.High - bar.Low, Math.Max(Math.Abs(bar.High - _previousClose), Math.Abs(bar.Low - _previousClose)))
            : 0;
        bool had = _hasPrevious;
        _previousClose = bar.Close;
        _hasPrevious = true;
        return had;
    }

    public void Clear() => _hasPrevious = false;
}
