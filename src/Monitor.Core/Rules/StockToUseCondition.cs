using Monitor.Core.Market;

namespace Monitor.Core.Rules;

/// <summary>
/// <c>stockToUse</c>: the series' level divided by a day's use (<c>annualUse</c> / 365, converted from <c>unit</c> to
/// the series' unit) is fewer than <c>maxDays</c>.
/// </summary>
internal sealed class StockToUseCondition : RuleCondition
{
    private const double DaysPerYear = 365;
    private readonly StockToUseParameters _p;

    public StockToUseCondition(RuleDefinition rule, StockToUseParameters p)
        : base(rule, [p.Input], ["level", "dailyUse", "daysOfUse"]) => _p = p;

    public override ConditionOutcome Evaluate(in RuleClock clock)
    {
        var slot = Slots[0];
        var unit = slot.Unit!.Value;
        if (!QuantityUnits.TryConvert(_p.AnnualUse, _p.Unit ?? unit, unit, out double annual))
        {
            return NotReady($"annualUse is in {_p.Unit?.Symbol()}, the series in {unit.Symbol()}");
        }

        double daily = annual / DaysPerYear;
        double days = slot.EvalValue / daily;
        Values[0] = slot.EvalValue;
        Values[1] = daily;
        Values[2] = days;
        return Holds(RuleMath.Below(days, _p.MaxDays));
    }

    public override string Describe()
    {
        var slot = Slots[0];
        return $"{slot.Input.Label} {RuleFormat.Value(slot, Values[0])} cover {RuleFormat.Days(Values[2])} days of use " +
            $"({RuleFormat.Value(slot, Values[1] * DaysPerYear)} a year), fewer than {RuleFormat.Days(_p.MaxDays)}";
    }
}
