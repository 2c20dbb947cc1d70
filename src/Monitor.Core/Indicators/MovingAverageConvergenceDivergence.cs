using Monitor.Core.Market;

namespace Monitor.Core.Indicators;

/// <summary>
/// <c>macd(fast,slow,signal)</c>: fast EMA minus slow EMA of closes (both SMA-seeded); the signal line is an EMA
/// of the MACD seeded with the mean of its first values; histogram = macd - signal.
/// Outputs: macd, signal, histogram, fastEma, slowEma.
/// </summary>
public sealed class MovingAverageConvergenceDivergence : Indicator
{
    private readonly SeededAverage _fast;
    private readonly SeededAverage _slow;
    private readonly SeededAverage _signal;

    public MovingAverageConvergenceDivergence(int fastPeriod, int slowPeriod, int signalPeriod)
        : base(IndicatorSpec.Format("macd", fastPeriod, slowPeriod, signalPeriod), "macd", "signal", "histogram", "fastEma", "slowEma")
    {
        FastPeriod = fastPeriod;
        SlowPeriod = slowPeriod;
        SignalPeriod = signalPeriod;
        _fast = SeededAverage.Exponential(fastPeriod);
        _slow = SeededAverage.Exponential(slowPeriod);
        _signal = SeededAverage.Exponential(signalPeriod);
    }

    public int FastPeriod { get; }

    public int SlowPeriod { get; }

    public int SignalPeriod { get; }

    public override int WarmUpPeriod => SlowPeriod + SignalPeriod - 1;

    public override int ConvergencePeriod => SlowPeriod + SignalPeriod + 250;

    public double? Macd => When(_slow.IsReady && _fast.IsReady, _fast.Value - _slow.Value);

    public double? Signal => When(_signal.IsReady, _signal.Value);

    public double? Histogram => When(_signal.IsReady, _fast.Value - _slow.Value - _signal.Value);

    public override double? Output(int index) => index switch
    {
        0 => Macd,
        1 => Signal,
        2 => Histogram,
        3 => When(_fast.IsReady, _fast.Value),
        4 => When(_slow.IsReady, _slow.Value),
        _ => throw new ArgumentOutOfRangeException(nameof(index)),
    };

    protected override void OnBar(in Bar bar)
    {
        _fast.Add(bar.Close);
        _slow.Add(bar.Close);
        if (_slow.IsReady && _fast.IsReady)
        {
            _signal.Add(_fast.Value - _slow.Value);
        }
    }

    protected override void OnReset()
    {
        _fast.Clear();
        _slow.Clear();
        _signal.Clear();
    }
}
