namespace Monitor.Core.Rules;

/// <summary>
/// <c>priceFlowDivergence</c>: over the window, bearish when the price rises at least <c>minPriceChangePct</c> while the
/// flow falls at least <c>minFlowChangePct</c>; bullish when the price falls at least X% while the flow rises at least
/// Y%. Both changes are measured from the values as of the window's start (the flow as it was known then).
/// </summary>
internal sealed class PriceFlowDivergenceCondition : RuleCondition
{
    private readonly PriceFlowDivergenceParameters _p;
    private readonly WindowedInput _price;
    private readonly WindowedInput _flow;

    public PriceFlowDivergenceCondition(RuleDefinition rule, PriceFlowDivergenceParameters p)
        : base(rule, [p.Price, p.Flow], ["priceChangePct", "flowChangePct", "flowChange", "price", "flow"])
    {
        _p = p;
        _price = Track(Slots[0], p.Window);
        _flow = Track(Slots[1], p.Window);
    }

    public override ConditionOutcome Evaluate(in RuleClock clock)
    {
        if (!_price.TryBase(clock, out double priceFrom, out _) || !_flow.TryBase(clock, out double flowFrom, out _))
        {
            return NotReady("the window is not filled yet");
        }

        if (priceFrom == 0 || flowFrom == 0)
        {
            return NotReady("a value at the window's start is zero");
        }

        double price = Slots[0].EvalValue;
        double flow = Slots[1].EvalValue;
        double priceChange = RuleMath.PercentChange(priceFrom, price);
        double flowChange = RuleMath.PercentChange(flowFrom, flow);
        Values[0] = priceChange;
        Values[1] = flowChange;
        Values[2] = flow - flowFrom;
        Values[3] = price;
        Values[4] = flow;
        bool bearish = _p.Direction != DivergenceDirection.Bullish
            && RuleMath.AtLeast(priceChange, _p.MinPriceChangePct) && RuleMath.AtMost(flowChange, -_p.MinFlowChangePct);
        bool bullish = _p.Direction != DivergenceDirection.Bearish
            && RuleMath.AtMost(priceChange, -_p.MinPriceChangePct) && RuleMath.AtLeast(flowChange, _p.MinFlowChangePct);
        Direction = bearish ? "bearish" : bullish ? "bullish" : null;
        return Holds(bearish || bullish);
    }

    public override string Describe() =>
        $"{Slots[0].Input.Label} {RuleFormat.Percent(Values[0])} over {_p.Window.Label} while {Slots[1].Input.Label} " +
        $"{RuleFormat.Percent(Values[1])} ({RuleFormat.Value(Slots[1], Values[2], signed: true)})";
}
