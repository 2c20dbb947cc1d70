using Monitor.Core.Market;

namespace Monitor.Core.Rules;

/// <summary>
/// <c>crossVenueFlow</c>: over the window, <c>from</c> falls and <c>to</c> rises, each by at least <c>minTransfer</c>
/// (in <c>unit</c>, or the unit of <c>from</c>). Changes are measured from the values as of the window's start.
/// </summary>
internal sealed class CrossVenueFlowCondition : RuleCondition
{
    private readonly CrossVenueFlowParameters _p;
    private readonly WindowedInput _from;
    private readonly WindowedInput _to;
    private QuantityUnit _unit;

    public CrossVenueFlowCondition(RuleDefinition rule, CrossVenueFlowParameters p)
        : base(rule, [p.From, p.To], ["fromChange", "toChange", "from", "to"])
    {
        _p = p;
        _from = Track(Slots[0], p.Window);
        _to = Track(Slots[1], p.Window);
    }

    public override ConditionOutcome Evaluate(in RuleClock clock)
    {
        if (!_from.TryBase(clock, out double fromStart, out _) || !_to.TryBase(clock, out double toStart, out _))
        {
            return NotReady("the window is not filled yet");
        }

        var from = Slots[0];
        var to = Slots[1];
        _unit = _p.Unit ?? from.Unit!.Value;
        if (!QuantityUnits.TryConvert(from.EvalValue - fromStart, from.Unit!.Value, _unit, out double fromChange)
            || !QuantityUnits.TryConvert(to.EvalValue - toStart, to.Unit!.Value, _unit, out double toChange)
            || !QuantityUnits.TryConvert(from.EvalValue, from.Unit!.Value, _unit, out double fromLevel)
            || !QuantityUnits.TryConvert(to.EvalValue, to.Unit!.Value, _unit, out double toLevel))
        {
            return NotReady("the two series and minTransfer are not in comparable units");
        }

        Values[0] = fromChange;
        Values[1] = toChange;
        Values[2] = fromLevel;
        Values[3] = toLevel;
        return Holds(RuleMath.AtLeast(-fromChange, _p.MinTransfer) && RuleMath.AtLeast(toChange, _p.MinTransfer));
    }

    public override string Describe() =>
        $"{Slots[0].Input.Label} {RuleFormat.Quantity(Values[0], _unit, signed: true)} over {_p.Window.Label} while " +
        $"{Slots[1].Input.Label} {RuleFormat.Quantity(Values[1], _unit, signed: true)} " +
        $"(now {RuleFormat.Quantity(Values[2], _unit)} and {RuleFormat.Quantity(Values[3], _unit)})";
}
