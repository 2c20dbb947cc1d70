using Monitor.Core.Market;

namespace Monitor.Core.Indicators;

/// <summary><c>wma(n)</c>: closes weighted 1..n (newest n), divided by n(n+1)/2.</summary>
public sealed class WeightedMovingAverage : Indicator
{
    private readonly RingBuffer _closes;
    private readonly double _divisor;
    private double _weightedSum;
    private double _sum;
    private int _sinceExact;

    public WeightedMovingAverage(int period)
        : base(IndicatorSpec.Format("wma", period), "wma")
    {
        Period = period;
        _closes = new RingBuffer(period);
        _divisor = period * (period + 1d) / 2; // in double: n(n+1) overflows an int from n = 46,341
    }

    public int Period { get; }

    public override int WarmUpPeriod => Period;

    public double? Value => When(_closes.IsFull, _weightedSum / _divisor);

    public override double? Output(int index) => Value;

    protected override void OnBar(in Bar bar)
    {
        bool wasFull = _closes.IsFull;
        double evicted = _closes.Push(bar.Close);
        if (++_sinceExact >= Period)
        {
            Recompute();
        }
        else if (wasFull)
        {
            // Every weight drops by one: the sum of the previous window leaves, the new close enters at weight n.
            _weightedSum += (Period * bar.Close) - _sum;
            _sum += bar.Close - evicted;
        }
    }

    protected override void OnReset()
    {
        _closes.Clear();
        _weightedSum = 0;
        _sum = 0;
        _sinceExact = 0;
    }

    // Exact recomputation every n bars keeps the sliding sums from drifting (amortised O(1)).
    private void Recompute()
    {
        _sinceExact = 0;
        _weightedSum = 0;
        _sum = 0;
        int count = _closes.Count;
        for (int ago = count - 1; ago >= 0; ago--)
        {
            double close = _closes[ago];
            _weightedSum += close * (count - ago);
            _sum += close;
        }
    }
}
