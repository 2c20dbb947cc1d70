namespace Monitor.Core.Rules;

/// <summary>
/// <c>threshold</c>: <c>above</c> holds while the input is above the value, <c>below</c> while it is below (the value
/// itself is neither). <c>crossesAbove</c> holds at the one evaluation where the input is above the value and the last
/// evaluation not on it was below (touching the value and turning back is no cross); <c>crossesBelow</c> mirrors it.
/// </summary>
internal sealed class ThresholdCondition : RuleCondition
{
    private readonly ThresholdParameters _p;
    private int _lastSide;

    public ThresholdCondition(RuleDefinition rule, ThresholdParameters p)
        : base(rule, [p.Input], ["value", "threshold"]) => _p = p;

    public override ConditionOutcome Evaluate(in RuleClock clock)
    {
        double value = Slots[0].EvalValue;
        Values[0] = value;
        Values[1] = _p.Value;
        int side = RuleMath.Side(value, _p.Value);
        bool holds = _p.Op switch
        {
            ThresholdOp.Above => side > 0,
            ThresholdOp.Below => side < 0,
            ThresholdOp.CrossesAbove => side > 0 && _lastSide < 0,
            _ => side < 0 && _lastSide > 0,
        };
        if (side != 0)
        {
            _lastSide = side;
        }

        return Holds(holds);
    }

    public override string Describe()
    {
        var slot = Slots[0];
        string value = RuleFormat.Value(slot, Values[0]);
        string threshold = RuleFormat.Value(slot, Values[1]);
        return _p.Op switch
        {
            ThresholdOp.Above => $"{slot.Input.Label} {value} above {threshold}",
            ThresholdOp.Below => $"{slot.Input.Label} {value} below {threshold}",
            ThresholdOp.CrossesAbove => $"{slot.Input.Label} crossed above {threshold} at {value}",
            _ => $"{slot.Input.Label} crossed below {threshold} at {value}",
        };
    }

    public override double[] SaveMemory() => [_lastSide];

    public override void RestoreMemory(double[] memory) => _lastSide = memory.Length > 0 ? (int)memory[0] : 0;
}
