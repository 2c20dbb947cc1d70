namespace Monitor.Core.Rules;

/// <summary>
/// <c>indicatorCross</c>: holds at the one evaluation where <c>fast</c> goes above <c>slow</c> (direction <c>up</c>)
/// or below it (<c>down</c>), compared with the last evaluation where they were not equal. Equal values are on
/// neither side, so touching and turning back is no cross, and passing through equality is one.
/// </summary>
internal sealed class IndicatorCrossCondition : RuleCondition
{
    private readonly IndicatorCrossParameters _p;
    private int _lastSide;

    public IndicatorCrossCondition(RuleDefinition rule, IndicatorCrossParameters p)
        : base(rule, [p.Fast, p.Slow], ["fast", "slow"]) => _p = p;

    public override ConditionOutcome Evaluate(in RuleClock clock)
    {
        double fast = Slots[0].EvalValue;
        double slow = Slots[1].EvalValue;
        Values[0] = fast;
        Values[1] = slow;
        int side = RuleMath.Side(fast, slow);
        bool up = side > 0 && _lastSide < 0;
        bool down = side < 0 && _lastSide > 0;
        if (side != 0)
        {
            _lastSide = side;
        }

        Direction = up ? "up" : down ? "down" : null;
        return Holds((up && _p.Direction != CrossDirection.Down) || (down && _p.Direction != CrossDirection.Up));
    }

    public override string Describe() =>
        $"{Slots[0].Input.Label} crossed {(Direction == "up" ? "above" : "below")} {Slots[1].Input.Label} " +
        $"({RuleFormat.Number(Values[0])} vs {RuleFormat.Number(Values[1])})";

    public override double[] SaveMemory() => [_lastSide];

    public override void RestoreMemory(double[] memory) => _lastSide = memory.Length > 0 ? (int)memory[0] : 0;
}
