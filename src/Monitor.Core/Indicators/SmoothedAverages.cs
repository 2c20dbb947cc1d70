namespace Monitor.Core.Indicators;

/// <summary>
/// Exponential average seeded with the simple mean of its first n values, then prev + k(x - prev), k = 2/(n+1).
/// </summary>
internal sealed class ExponentialAverage(int length)
{
    private readonly double _k = 2d / (length + 1);
    private double _seedSum;

    public int Count { get; private set; }

    public bool IsReady => Count >= length;

    public double Value { get; private set; }

    public void Add(double value)
    {
        if (Count >= length)
        {
            Value += _k * (value - Value);
        }
        else
        {
            _seedSum += value;
            if (Count + 1 == length)
            {
                Value = _seedSum / length;
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

/// <summary>
/// Wilder's running average: seeded with the simple mean of its first n values, then (prev(n-1) + x)/n.
/// </summary>
internal sealed class WilderAverage(int length)
{
    private double _seedSum;

    public int Count { get; private set; }

    public bool IsReady => Count >= length;

    public double Value { get; private set; }

    public void Add(double value)
    {
        if (Count >= length)
        {
            Value = ((Value * (length - 1)) + value) / length;
        }
        else
        {
            _seedSum += value;
            if (Count + 1 == length)
            {
                Value = _seedSum / length;
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
