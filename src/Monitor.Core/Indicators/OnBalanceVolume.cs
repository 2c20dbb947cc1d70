using Monitor.Core.Market;

namespace Monitor.Core.Indicators;

/// <summary><c>obv</c>: 0 on the first bar, then plus the volume on an up close and minus it on a down close.</summary>
public sealed class OnBalanceVolume : Indicator
{
    private double _obv;
    private double _previousClose;

    public OnBalanceVolume()
        : base("obv", "obv")
    {
    }

    public override int WarmUpPeriod => 1;

    public double? Value => When(Samples > 0, _obv);

    public override double? Output(int index) => Value;

    protected override void OnBar(in Bar bar)
    {
        if (Samples > 1)
        {
            if (bar.Close > _previousClose)
            {
                _obv += bar.Volume;
            }
            else if (bar.Close < _previousClose)
            {
                _obv -= bar.Volume;
            }
        }

        _previousClose = bar.Close;
    }

    protected override void OnReset() => _obv = 0;
}
