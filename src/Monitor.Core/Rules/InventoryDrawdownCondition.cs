using Monitor.Core.Market;

namespace Monitor.Core.Rules;

/// <summary>
/// <c>inventoryDrawdown</c>: the series' outflow from the value as of the window's start to now, per day between the
/// two values' <c>asOf</c> dates, reaches <c>minPerDay</c> (converted from <c>unit</c> to the series' unit); or the
/// series has lost at least <c>minPct</c> percent of its level at the window's start. The message states the days
/// to zero at that pace (level / outflow per day).
/// </summary>
internal sealed class InventoryDrawdownCondition : RuleCondition
{
    private readonly InventoryDrawdownParameters _p;
    private readonly WindowedInput _input;

    public InventoryDrawdownCondition(RuleDefinition rule, InventoryDrawdownParameters p)
        : base(rule, [p.Input], ["outflowPerDay", "change", "changePct", "level", "daysToZero", "days"])
    {
        _p = p;
        _input = Track(Slots[0], p.Window);
    }

    public override ConditionOutcome Evaluate(in RuleClock clock)
    {
        var slot = Slots[0];
        if (!_input.TryBase(clock, out double from, out int fromDay))
        {
            return NotReady("the window is not filled yet");
        }

        int days = slot.EvalAsOfDay - fromDay;
        if (days <= 0)
        {
            return NotReady("no value for a later date than the window's start");
        }

        if (from == 0)
        {
            return NotReady("the level at the window's start is zero");
        }

        double level = slot.EvalValue;
        double change = level - from;
        double outflowPerDay = -change / days;
        double lostPct = -RuleMath.PercentChange(from, level);
        Values[0] = outflowPerDay;
        Values[1] = change;
        Values[2] = -lostPct;
        Values[3] = level;
        Values[4] = outflowPerDay > 0 ? level / outflowPerDay : double.NaN;
        Values[5] = days;
        if (_p.MinPerDay is { } minPerDay)
        {
            var unit = slot.Unit!.Value;
            if (!QuantityUnits.TryConvert(minPerDay, _p.Unit ?? unit, unit, out double bound))
            {
                return NotReady($"minPerDay is in {_p.Unit?.Symbol()}, the series in {unit.Symbol()}");
            }

            return Holds(RuleMath.AtLeast(outflowPerDay, bound));
        }

        return Holds(RuleMath.AtLeast(lostPct, _p.MinPct!.Value));
    }

    public override string Describe()
    {
        var slot = Slots[0];
        string message = $"{slot.Input.Label} {RuleFormat.Value(slot, -Values[0], signed: true)}/day over {_p.Window.Label} " +
            $"({RuleFormat.Value(slot, Values[1], signed: true)}, {RuleFormat.Percent(Values[2])}) to {RuleFormat.Value(slot, Values[3])}";
        return double.IsFinite(Values[4]) ? $"{message}: {RuleFormat.Days(Values[4])} days to zero at this pace" : message;
    }
}
