using Monitor.Core.Market;

namespace Monitor.Core.Indicators;

/// <summary>
/// <c>bar</c>: the last closed bar's open, high, low, close and volume, as outputs, so a rule can read a bar field
/// like any indicator output (<c>COMEX:SI@bar.high</c>; the rule language's <c>high(COMEX:SI)</c>).
/// </summary>
public sealed class BarFields : Indicator
{
    private Bar _bar;

    public BarFields()
        : base("bar", "open", "high", "low", "close", "volume")
    {
    }

    public override int WarmUpPeriod => 1;

    public override double? Output(int index) => Samples == 0 ? null : index switch
    {
        0 => _bar.Open,
        1 => _bar.High,
        2 => _bar.Low,
        3 => _bar.Close,
        _ => _bar.Volume,
    };

    protected override void OnBar(in Bar bar) => _bar = bar;

    protected override void OnReset() => _bar = default;
}
