using Monitor.Core.Market;

namespace Monitor.Core.Indicators;

/// <summary>
/// <c>roc(n)</c>: change against the close n bars back. Outputs: roc (percent; none when that close is 0)
/// and momentum (the difference).
/// </summary>
public sealed class RateOfChange : Indicator
{
    private readonly RingBuffer _closes;

    public RateOfChange(int period)
        : base(IndicatorSpec.Format("roc", period), "roc", "momentum")
    {
        Period = period;
        _closes = new RingBuffer(period + 1);
    }

    public int Period { get; }

    public override int WarmUpPeriod => Period + 1;

    public override double? Output(int index)
    {
        if (!_closes.IsFull)
        {
            return null;
        }

        double close = _closes[0];
        double back = _closes.Oldest;
        return index switch
        {
            0 => back == 0 ? null : Finite(100 * (close - back) / back),
            1 => Finite(close - back),
            _ => throw new ArgumentOutOfRangeException(nameof(index)),
        };
    }

    protected override void OnBar(in Bar bar) => _closes.Push(bar.Close);

    protected override void OnReset() => _closes.Clear();
}
