using Monitor.Core.Market;

namespace Monitor.Core.Rules;

/// <summary>
/// The typed <c>params</c> of a rule, one record per rule type. Records compare by value, so a re-saved definition
/// that parses to the same parameters is recognised as unchanged.
/// </summary>
public abstract record RuleParameters
{
    private protected RuleParameters()
    {
    }

    public abstract RuleType Type { get; }

    /// <summary>
    /// The inputs in parameter order. The first is the primary: the close of a bar of the rule's interval on its
    /// instrument is the rule's clock.
    /// </summary>
    public abstract IReadOnlyList<RuleInput> Inputs { get; }
}

/// <summary><c>threshold</c>: <paramref name="Input"/> compared with <paramref name="Value"/>.</summary>
public sealed record ThresholdParameters(RuleInput Input, ThresholdOp Op, double Value) : RuleParameters
{
    public override RuleType Type => RuleType.Threshold;

    public override IReadOnlyList<RuleInput> Inputs => [Input];
}

/// <summary><c>percentMove</c>: the absolute change of <paramref name="Input"/> over <paramref name="Window"/> is at least <paramref name="MinPct"/>.</summary>
public sealed record PercentMoveParameters(RuleInput Input, RuleWindow Window, double MinPct) : RuleParameters
{
    public override RuleType Type => RuleType.PercentMove;

    public override IReadOnlyList<RuleInput> Inputs => [Input];
}

/// <summary><c>indicatorCross</c>: <paramref name="Fast"/> crosses <paramref name="Slow"/>.</summary>
public sealed record IndicatorCrossParameters(RuleInput Fast, RuleInput Slow, CrossDirection Direction) : RuleParameters
{
    public override RuleType Type => RuleType.IndicatorCross;

    public override IReadOnlyList<RuleInput> Inputs => [Fast, Slow];
}

/// <summary>
/// <c>priceFlowDivergence</c>: over <paramref name="Window"/>, the price rises at least
/// <paramref name="MinPriceChangePct"/> while the flow falls at least <paramref name="MinFlowChangePct"/> (bearish), or the mirror (bullish).
/// </summary>
public sealed record PriceFlowDivergenceParameters(
    RuleInput Price,
    RuleInput Flow,
    RuleWindow Window,
    double MinPriceChangePct,
    double MinFlowChangePct,
    DivergenceDirection Direction) : RuleParameters
{
    public override RuleType Type => RuleType.PriceFlowDivergence;

    public override IReadOnlyList<RuleInput> Inputs => [Price, Flow];
}

/// <summary>
/// <c>inventoryDrawdown</c>: the average daily outflow of a series over <paramref name="Window"/> reaches
/// <paramref name="MinPerDay"/> (in <paramref name="Unit"/>, or the series' own unit) or the series loses at least
/// <paramref name="MinPct"/> percent of its level at the window's start. Exactly one of the two bounds is set.
/// </summary>
public sealed record InventoryDrawdownParameters(
    RuleInput Input,
    RuleWindow Window,
    double? MinPerDay,
    double? MinPct,
    QuantityUnit? Unit) : RuleParameters
{
    public override RuleType Type => RuleType.InventoryDrawdown;

    public override IReadOnlyList<RuleInput> Inputs => [Input];
}

/// <summary><c>crossVenueFlow</c>: over <paramref name="Window"/>, <paramref name="From"/> falls and <paramref name="To"/> rises by at least <paramref name="MinTransfer"/> each.</summary>
public sealed record CrossVenueFlowParameters(
    RuleInput From,
    RuleInput To,
    RuleWindow Window,
    double MinTransfer,
    QuantityUnit? Unit) : RuleParameters
{
    public override RuleType Type => RuleType.CrossVenueFlow;

    public override IReadOnlyList<RuleInput> Inputs => [From, To];
}

/// <summary><c>ratioZScore</c>: the z-score of numerator/denominator against its mean over <paramref name="Window"/> reaches +/-<paramref name="Z"/>.</summary>
public sealed record RatioZScoreParameters(RuleInput Numerator, RuleInput Denominator, RuleWindow Window, double Z) : RuleParameters
{
    public override RuleType Type => RuleType.RatioZScore;

    public override IReadOnlyList<RuleInput> Inputs => [Numerator, Denominator];
}

/// <summary><c>spread</c>: near minus far is in backwardation (above 0), contango (below 0), or above/below <paramref name="Value"/>.</summary>
public sealed record SpreadParameters(RuleInput Near, RuleInput Far, SpreadOp Op, double? Value) : RuleParameters
{
    public override RuleType Type => RuleType.Spread;

    public override IReadOnlyList<RuleInput> Inputs => [Near, Far];
}

/// <summary><c>stockToUse</c>: the series covers fewer than <paramref name="MaxDays"/> days of <paramref name="AnnualUse"/>/365.</summary>
public sealed record StockToUseParameters(RuleInput Input, double AnnualUse, double MaxDays, QuantityUnit? Unit) : RuleParameters
{
    public override RuleType Type => RuleType.StockToUse;

    public override IReadOnlyList<RuleInput> Inputs => [Input];
}

/// <summary>
/// <c>rsiDivergence</c>: the close makes a new high over the previous <paramref name="Lookback"/> bars while
/// rsi(<paramref name="Period"/>) stays below its value at that earlier high (bearish), or the mirror (bullish).
/// </summary>
public sealed record RsiDivergenceParameters(RuleInput Input, int Period, int Lookback) : RuleParameters
{
    public override RuleType Type => RuleType.RsiDivergence;

    public override IReadOnlyList<RuleInput> Inputs => [Input];
}

/// <summary>
/// <c>expression</c>: <paramref name="Condition"/> in the rule language, and an optional message template with
/// <c>{expression}</c> placeholders. Create one with <see cref="RuleJson"/> (or <see cref="TryCreate"/>), which compiles
/// both and finds the inputs (in order of appearance: the first is the primary) and the terms named in <c>values</c>.
/// Two are equal when their texts are.
/// </summary>
public sealed record ExpressionParameters : RuleParameters
{
    private ExpressionParameters(string condition, string? message, InstrumentId? each, IReadOnlyList<RuleInput> inputs, IReadOnlyList<string> terms)
    {
        Each = each;
        Condition = condition;
        Message = message;
        ReadInputs = inputs;
        Terms = terms;
    }

    public string Condition { get; }

    public string? Message { get; }

    /// <summary>The instrument <c>$</c> stands for (a forEach rule's member, or <see cref="ForEachRules.Placeholder"/>); null without forEach.</summary>
    public InstrumentId? Each { get; }

    public override RuleType Type => RuleType.Expression;

    public override IReadOnlyList<RuleInput> Inputs => ReadInputs;

    /// <summary>The operands of the condition's comparisons and crosses, as written: the names of the alert's <c>values</c>.</summary>
    public IReadOnlyList<string> Terms { get; }

    private IReadOnlyList<RuleInput> ReadInputs { get; }

    /// <summary>Compiles the condition and message for bars of <paramref name="interval"/>; the errors name the field and position.</summary>
    public static bool TryCreate(
        string condition, string? message, BarInterval interval, out ExpressionParameters parameters, out IReadOnlyList<RuleProblem> problems, InstrumentId? each = null)
    {
        var compiled = Expressions.ExpressionCompiler.Compile(condition, message, interval, each: each);
        problems =
        [
            .. compiled.ConditionErrors.Select(e => new RuleProblem("params.condition", e.ToString())),
            .. compiled.MessageErrors.Select(e => new RuleProblem("params.message", e.ToString())),
        ];
        parameters = new ExpressionParameters(condition, message, each, compiled.Inputs, compiled.Terms);
        return problems.Count == 0;
    }

    public bool Equals(ExpressionParameters? other) =>
        other is not null && string.Equals(Condition, other.Condition, StringComparison.Ordinal)
        && string.Equals(Message, other.Message, StringComparison.Ordinal) && Each == other.Each;

    public override int GetHashCode() => HashCode.Combine(Condition, Message, Each);
}
