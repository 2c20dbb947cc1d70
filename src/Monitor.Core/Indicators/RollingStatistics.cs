namespace Monitor.Core.Indicators;

/// <summary>
/// Sum, mean and population variance of the last n values in O(1) per value.
/// </summary>
/// <remarks>
/// The sum and the squared deviations slide (a Welford-style update), and every n values both are recomputed
/// exactly from the window, so rounding never drifts however long the series (amortised O(1)). A window of n
/// equal values has a variance of exactly 0.
/// </remarks>
internal sealed class RollingStatistics
{
    private readonly RingBuffer _window;
    private double _sum;
    private double _squaredDeviations;
    private int _sinceExact;
    private int _equalRun;

    public RollingStatistics(int length) => _window = new RingBuffer(length);

    public int Length => _window.Capacity;

    public bool IsFull => _window.IsFull;

    public double Sum => _sum;

    public double Mean => _sum / _window.Count;

    public double PopulationVariance =>
        _equalRun >= _window.Capacity ? 0 : Math.Max(0, _squaredDeviations / _window.Count);

    public double PopulationStandardDeviation => Math.Sqrt(PopulationVariance);

    /// <summary>The window, for the rare statistic that needs every value (mean absolute deviation).</summary>
    public RingBuffer Window => _window;

    public void Add(double value)
    {
        int countBefore = _window.Count;
        double meanBefore = countBefore == 0 ? 0 : _sum / countBefore;
        _equalRun = countBefore > 0 && value == _window[0] ? _equalRun + 1 : 1;
        bool full = _window.IsFull;
        double evicted = _window.Push(value);

        if (++_sinceExact >= _window.Capacity)
        {
            Recompute();
            return;
        }

        if (full)
        {
            _sum += value - evicted;
            double meanAfter = _sum / _window.Count;
            _squaredDeviations += (value - evicted) * (value - meanAfter + evicted - meanBefore);
        }
        else
        {
            _sum += value;
            double meanAfter = _sum / _window.Count;
            _squaredDeviations += (value - meanBefore) * (value - meanAfter);
        }
    }

    public void Clear()
    {
        _window.Clear();
        _sum = 0;
        _squaredDeviations = 0;
        _sinceExact = 0;
        _equalRun = 0;
    }

    private void Recompute()
    {
        _sinceExact = 0;
        int count = _window.Count;
        double sum = 0;
        for (int ago = count - 1; ago >= 0; ago--)
        {
            sum += _window[ago];
        }

        double mean = sum / count;
        double squares = 0;
        for (int ago = count - 1; ago >= 0; ago--)
        {
            double deviation = _window[ago] - mean;
            squares += deviation * deviation;
        }

        _sum = sum;
        _squaredDeviations = squares;
    }
}
