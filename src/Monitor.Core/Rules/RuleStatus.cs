using System.Globalization;

namespace Monitor.Core.Rules;

/// <summary>What the last evaluation of a rule found.</summary>
public enum RuleOutcome
{
    /// <summary>The rule has not evaluated yet.</summary>
    None,

    /// <summary>An input has no value yet (an indicator: no bar yet).</summary>
    MissingInput,

    /// <summary>An input's latest value is older than its limit: the rule reports it instead of evaluating.</summary>
    StaleInput,

    /// <summary>An indicator input is still inside its convergence window (or has no value for this bar).</summary>
    InputNotReady,

    /// <summary>The inputs are fine but the condition has no answer yet (its window is not filled...).</summary>
    NotReady,

    ConditionFalse,

    ConditionTrue,

    /// <summary>The rule is paused (<c>enabled: false</c>): it raises nothing.</summary>
    Paused,

    /// <summary>Event time has reached the rule's <c>until</c>: it raises nothing.</summary>
    Expired,

    /// <summary>Event time is outside the rule's <c>activeWhen</c>: it raises nothing now.</summary>
    Inactive,
}

/// <summary>
/// The last evaluation of a rule: when, what it found, and for an input problem which input and how old its value
/// was. Built without allocating; <see cref="Describe"/> gives the text.
/// </summary>
public readonly record struct RuleStatus(DateTimeOffset? At, RuleOutcome Outcome, RuleInput? Input, TimeSpan Age, TimeSpan MaxAge, string Reason)
{
    public string Describe() => Outcome switch
    {
        RuleOutcome.None => Reason.Length > 0 ? Reason : "not evaluated yet",
        RuleOutcome.MissingInput => $"no value yet for {Input}",
        RuleOutcome.StaleInput => string.Create(
            CultureInfo.InvariantCulture,
            $"{Input} is stale: its latest value is {Age.TotalDays:0.##} days old, the limit is {MaxAge.TotalDays:0.##} days"),
        RuleOutcome.InputNotReady => $"{Input} is inside its convergence window",
        RuleOutcome.NotReady => Reason,
        RuleOutcome.ConditionFalse => "condition false",
        RuleOutcome.Paused or RuleOutcome.Expired or RuleOutcome.Inactive => Reason,
        _ => "condition true",
    };
}
