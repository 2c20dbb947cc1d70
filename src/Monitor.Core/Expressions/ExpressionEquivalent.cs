using System.Globalization;
using Monitor.Core.Market;
using Monitor.Core.Rules;

namespace Monitor.Core.Expressions;

/// <summary>
/// A built-in rule written in the rule language: the same definition with type <c>expression</c> and a condition that
/// raises the same alerts (ids, states, times) on the same data. Every type has one but <c>rsiDivergence</c>, whose
/// "RSI at the earlier high" the language cannot name.
/// </summary>
public static class ExpressionEquivalent
{
    /// <summary>Whether <paramref name="type"/> can be written as an expression.</summary>
    public static bool Exists(RuleType type) => type is not (RuleType.RsiDivergence or RuleType.SourceLate or RuleType.Expression);

    public static RuleDefinition For(RuleDefinition builtIn) => builtIn with
    {
        Parameters = Parameters(Condition(builtIn.Parameters), builtIn),
    };

    /// <summary>The condition, from the built-in rule's own params.</summary>
    public static string Condition(RuleParameters parameters) => parameters switch
    {
        ThresholdParameters p => p.Op switch
        {
            ThresholdOp.Above => $"{p.Input} > {N(p.Value)}",
            ThresholdOp.Below => $"{p.Input} < {N(p.Value)}",
            ThresholdOp.CrossesAbove => $"crossesAbove({p.Input}, {N(p.Value)})",
            _ => $"crossesBelow({p.Input}, {N(p.Value)})",
        },
        PercentMoveParameters p => $"pctChange({p.Input}, {p.Window}) >= {N(p.MinPct)} or pctChange({p.Input}, {p.Window}) <= -{N(p.MinPct)}",
        IndicatorCrossParameters p => p.Direction switch
        {
            CrossDirection.Up => $"crossesAbove({p.Fast}, {p.Slow})",
            CrossDirection.Down => $"crossesBelow({p.Fast}, {p.Slow})",
            _ => $"crossesAbove({p.Fast}, {p.Slow}) or crossesBelow({p.Fast}, {p.Slow})",
        },
        PriceFlowDivergenceParameters p =>
            $"(pctChange({p.Price}, {p.Window}) >= {N(p.MinPriceChangePct)} and pctChange({p.Flow}, {p.Window}) <= -{N(p.MinFlowChangePct)}) or " +
            $"(pctChange({p.Price}, {p.Window}) <= -{N(p.MinPriceChangePct)} and pctChange({p.Flow}, {p.Window}) >= {N(p.MinFlowChangePct)})",
        InventoryDrawdownParameters { MinPerDay: { } minPerDay } p => $"perDay({p.Input}, {p.Window}) <= -{N(minPerDay)}{Unit(p.Unit)}",
        InventoryDrawdownParameters p => $"pctChange({p.Input}, {p.Window}) <= -{N(p.MinPct!.Value)}",
        CrossVenueFlowParameters p =>
            $"change({p.From}, {p.Window}) <= -{N(p.MinTransfer)}{Unit(p.Unit)} and change({p.To}, {p.Window}) >= {N(p.MinTransfer)}{Unit(p.Unit)}",
        RatioZScoreParameters p =>
            $"zscore({p.Numerator} / {p.Denominator}, {p.Window}) >= {N(p.Z)} or zscore({p.Numerator} / {p.Denominator}, {p.Window}) <= -{N(p.Z)}",
        SpreadParameters p => p.Op switch
        {
            SpreadOp.Backwardation => $"{p.Near} > {p.Far}",
            SpreadOp.Contango => $"{p.Near} < {p.Far}",
            SpreadOp.Above => $"{p.Near} - {p.Far} > {N(p.Value!.Value)}",
            _ => $"{p.Near} - {p.Far} < {N(p.Value!.Value)}",
        },
        StockToUseParameters p => $"{p.Input} / ({N(p.AnnualUse)}{Unit(p.Unit)} / 365) < {N(p.MaxDays)}",
        _ => throw new ArgumentOutOfRangeException(nameof(parameters), parameters.Type, "this rule type has no expression equivalent"),
    };

    private static ExpressionParameters Parameters(string condition, RuleDefinition rule) =>
        ExpressionParameters.TryCreate(condition, null, rule.Interval, out var parameters, out var problems)
            ? parameters
            : throw new InvalidOperationException($"the expression for rule '{rule.Id}' does not compile: '{condition}': {string.Join("; ", problems)}");

    private static string N(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    private static string Unit(QuantityUnit? unit) => unit is { } u ? " " + u.Symbol() : "";
}
