using Monitor.Core.Market;

namespace Monitor.Core.Indicators;

/// <summary>
/// <c>cci(n)</c>: (TP - SMA(TP)) / (0.015 x mean absolute deviation of TP around that SMA), TP = (H + L + C)/3.
/// None when the deviation is 0 (a flat window).
/// </summary>
/// <remarks>
/// The mean absolute deviation is taken around the current mean, which moves every bar, so it has no
/// constant-time update: each bar costs O(n) in the window length (constant in the length of the series).
/// </remarks>
public sealed class CommodityChannelIndex : Indicator
{
    private readonly RingBuffer _typicalPrices;
    private double? _value;

    public CommodityChannelIndex(int period)
        : base(IndicatorSpec.Format("cci", period), "cci")
    {
        Period = period;
        _typicalPrices = new RingBuffer(period);
    }

    public int Period { get; }

    public override int WarmUpPeriod => Period;

    public double? Value => _value;

    public override double? Output(int index) => _value;

    protected override void OnBar(in Bar bar)
    {
        double typical = bar.TypicalPrice;
        _typicalPrices.Push(typical);
        if (!_typicalPrices.IsFull)
        {
            return;
        }

        // Oldest to newest, as two contiguous runs: the same order of additions as walking the ring by age.
        _typicalPrices.GetSegments(out var older, out var newer);
        double sum = 0;
        bool flat = true;
        foreach (double value in older)
        {
            sum += value;
            flat &= value == typical;
        }

        foreach (double value in newer)
        {
            sum += value;
            flat &= value == typical;
        }

        // A flat window's deviation is 0, although its rounded mean may differ from its values by an ulp.
        if (flat)
        {
            _value = null;
            return;
        }

        double mean = sum / Period;
        double deviations = 0;
        foreach (double value in older)
        {
            deviations += Math.Abs(mean - value);
        }

        foreach (double value in newer)
        {
            deviations += Math.Abs(mean - value);
        }

        double meanDeviation = deviations / Period;
        _value = meanDeviation == 0 ? null : Finite((typical - mean) / (0.015 * meanDeviation));
    }

    protected override void OnReset()
    {
        _typicalPrices.Clear();
        _value = null;
    }
}
