namespace Monitor.Core.Rules;

/// <summary>
/// <c>percentMove</c>: the change from the value as of the window's start to now, in percent of the start's absolute
/// value, is at least <c>minPct</c> either way. Direction <c>up</c> or <c>down</c>.
/// </summary>
internal sealed class PercentMoveCondition : RuleCondition
{
    private readonly PercentMoveParameters _p;
    private readonly WindowedInput _input;

    public PercentMoveCondition(RuleDefinition rule, PercentMoveParameters p)
        : base(rule, [p.Input], ["changePct", "from", "to"])
    {
        _p = p;
        _input = Track(Slots[0], p.Window);
    }

    public override ConditionOutcome Evaluate(in RuleClock clock)
    {
        if (!_input.TryBase(clock, out double from, out _))
        {
            return NotReady("the window is not filled yet");
        }

        if (from == 0)
        {
            return NotReady("the value at the window's start is zero");
        }

        double to = Slots[0].EvalValue;
        double change = RuleMath.PercentChange(from, to);
        Values[0] = change;
        Values[1] = from;
        Values[2] = to;
        Direction = change >= 0 ? "up" : "down";
        return Holds(RuleMath.AtLeast(Math.Abs(change), _p.MinPct));
    }

    public override string Describe()
    {
        var slot = Slots[0];
        return $"{slot.Input.Label} {RuleFormat.Percent(Values[0])} over {_p.Window.Label} " +
            $"({RuleFormat.Value(slot, Values[1])} to {RuleFormat.Value(slot, Values[2])})";
    }
}
