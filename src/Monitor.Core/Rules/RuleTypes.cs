namespace Monitor.Core.Rules;

/// <summary>The rule types (docs/api.md, Rules); the JSON spelling is the camel-case name (<c>priceFlowDivergence</c>).</summary>
public enum RuleType
{
    Threshold,
    PercentMove,
    IndicatorCross,
    PriceFlowDivergence,
    InventoryDrawdown,
    CrossVenueFlow,
    RatioZScore,
    Spread,
    StockToUse,
    RsiDivergence,

    /// <summary>Not a rule: the alert a data source raises when its newest report is late (rule id <c>source:&lt;id&gt;</c>).</summary>
    SourceLate,

    /// <summary>A condition written in the rule language (Monitor.Core.Expressions).</summary>
    Expression,
}

public enum AlertSeverity
{
    Info,
    Warning,
    Critical,
}

/// <summary>When a rule evaluates: at the close of each bar of its interval (default) or on every tick.</summary>
public enum EvaluationMode
{
    Bar,
    Tick,
}

/// <summary>The state of one alert episode.</summary>
public enum AlertState
{
    /// <summary>The condition holds and the rule waits <c>pendingBars</c> before firing.</summary>
    Pending,

    Firing,

    /// <summary>The episode is over: it fired and its condition cleared, or it never fired (<see cref="Alert.FiredAt"/> is null).</summary>
    Resolved,
}

public enum ThresholdOp
{
    Above,
    Below,
    CrossesAbove,
    CrossesBelow,
}

public enum CrossDirection
{
    Both,
    Up,
    Down,
}

public enum DivergenceDirection
{
    Both,
    Bearish,
    Bullish,
}

public enum SpreadOp
{
    Backwardation,
    Contango,
    Above,
    Below,
}

/// <summary>The contract's spelling of the rule enums: the member name in camel case.</summary>
public static class RuleText
{
    public static string ToText<T>(this T value)
        where T : struct, Enum
    {
        int index = Array.IndexOf(Names<T>.Values, value);
        return index < 0 ? value.ToString() : Names<T>.Texts[index];
    }

    /// <summary>Exact (case-sensitive) match of the camel-case name.</summary>
    public static bool TryParse<T>(string? text, out T value)
        where T : struct, Enum
    {
        int index = Array.IndexOf(Names<T>.Texts, text);
        value = index < 0 ? default : Names<T>.Values[index];
        return index >= 0;
    }

    /// <summary>The accepted spellings, for error messages: <c>above, below, crossesAbove, crossesBelow</c>.</summary>
    public static string Choices<T>()
        where T : struct, Enum => string.Join(", ", Names<T>.Texts);

    private static class Names<T>
        where T : struct, Enum
    {
        public static readonly T[] Values = Enum.GetValues<T>();

        public static readonly string[] Texts = Array.ConvertAll(Values, v =>
        {
            string name = v.ToString();
            return string.Concat(name[..1].ToLowerInvariant(), name.AsSpan(1));
        });
    }
}
