namespace Monitor.Core.Rules;

/// <summary>
/// <c>spread</c>: near minus far. <c>backwardation</c> holds while near is above far, <c>contango</c> while it is
/// below; <c>above</c>/<c>below</c> while the spread is above/below the value (equal is neither).
/// </summary>
internal sealed class SpreadCondition : RuleCondition
{
    private readonly SpreadParameters _p;

    public SpreadCondition(RuleDefinition rule, SpreadParameters p)
        : base(rule, [p.Near, p.Far], ["near", "far", "spread"]) => _p = p;

    public override ConditionOutcome Evaluate(in RuleClock clock)
    {
        double near = Slots[0].EvalValue;
        double far = Slots[1].EvalValue;
        double spread = near - far;
        Values[0] = near;
        Values[1] = far;
        Values[2] = spread;
        return Holds(_p.Op switch
        {
            SpreadOp.Backwardation => RuleMath.Above(near, far),
            SpreadOp.Contango => RuleMath.Below(near, far),
            SpreadOp.Above => RuleMath.Above(spread, _p.Value!.Value),
            _ => RuleMath.Below(spread, _p.Value!.Value),
        });
    }

    public override string Describe()
    {
        string state = _p.Op switch
        {
            SpreadOp.Backwardation => "backwardation",
            SpreadOp.Contango => "contango",
            SpreadOp.Above => $"above {RuleFormat.Signed(_p.Value!.Value)}",
            _ => $"below {RuleFormat.Signed(_p.Value!.Value)}",
        };
        return $"{Slots[0].Input.Label} {RuleFormat.Value(Slots[0], Values[0])} vs {Slots[1].Input.Label} " +
            $"{RuleFormat.Value(Slots[1], Values[1])}: spread {RuleFormat.Signed(Values[2])}, {state}";
    }
}
