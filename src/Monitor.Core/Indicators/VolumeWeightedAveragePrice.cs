using Monitor.Core.Market;

namespace Monitor.Core.Indicators;

/// <summary>
/// <c>vwap</c>: cumulative sum(volume x TP) / sum(volume) from the first bar, without a daily reset;
/// none while no volume has traded.
/// </summary>
public sealed class VolumeWeightedAveragePrice : Indicator
{
    private double _volume;
    private double _volumeTimesPrice;

    public VolumeWeightedAveragePrice()
        : base("vwap", "vwap")
    {
    }

    public override int WarmUpPeriod => 1;

    public double? Value => _volume == 0 ? null : Finite(_volumeTimesPrice / _volume);

    public override double? Output(int index) => Value;

    protected override void OnBar(in Bar bar)
    {
        _volume += bar.Volume;
        _volumeTimesPrice += bar.Volume * (bar.High + bar.Low + bar.Close) / 3;
    }

    protected override void OnReset()
    {
        _volume = 0;
        _volumeTimesPrice = 0;
    }
}
