namespace Monitor.Core.Rules;

/// <summary>
/// <c>ratioZScore</c>: the ratio numerator/denominator is sampled at each close of the primary's bar; its z-score now
/// is (ratio - mean) / population standard deviation of the samples in the window (the current close's sample
/// included). Holds when |z| reaches <c>z</c>; direction <c>high</c> or <c>low</c>. No answer until the samples reach
/// back to the window's start, or while the ratio has not varied.
/// </summary>
internal sealed class RatioZScoreCondition : RuleCondition
{
    private readonly RatioZScoreParameters _p;
    private readonly SampleWindow _ratios;

    public RatioZScoreCondition(RuleDefinition rule, RatioZScoreParameters p)
        : base(rule, [p.Numerator, p.Denominator], ["ratio", "mean", "stdDev", "z"])
    {
        _p = p;
        _ratios = Track(new SampleWindow(p.Window.IsBarCount ? p.Window.Bars : p.Window.Duration.Ticks, statistics: true), p.Window);
    }

    public override void Sample(in RuleClock clock)
    {
        if (Slots[0].Usable && Slots[1].Usable && Slots[1].EvalValue != 0)
        {
            _ratios.Push(clock.SampleKey(_p.Window), Slots[0].EvalValue / Slots[1].EvalValue, 0);
        }
    }

    public override ConditionOutcome Evaluate(in RuleClock clock)
    {
        if (Slots[1].EvalValue == 0)
        {
            return NotReady("the denominator is zero");
        }

        if (!_ratios.TryStatistics(clock.Position(_p.Window), out int count, out double mean, out double variance) || count < 2)
        {
            return NotReady("the window is not filled yet");
        }

        if (variance == 0)
        {
            return NotReady("the ratio has not varied over the window");
        }

        double ratio = Slots[0].EvalValue / Slots[1].EvalValue;
        double deviation = Math.Sqrt(variance);
        double z = (ratio - mean) / deviation;
        Values[0] = ratio;
        Values[1] = mean;
        Values[2] = deviation;
        Values[3] = z;
        Direction = z >= 0 ? "high" : "low";
        return Holds(RuleMath.AtLeast(Math.Abs(z), _p.Z));
    }

    public override string Describe() =>
        $"{Slots[0].Input.Label}/{Slots[1].Input.Label} {RuleFormat.Number(Values[0])} vs {_p.Window.Label} mean " +
        $"{RuleFormat.Number(Values[1])} (sd {RuleFormat.Number(Values[2])}): z {RuleFormat.Signed(Values[3])}";
}
