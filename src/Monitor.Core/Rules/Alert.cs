namespace Monitor.Core.Rules;

/// <summary>
/// One episode of one rule, as the alerts API shows it (the store adds <c>acknowledgedBy</c>,
/// <c>acknowledgedAt</c> and <c>silenced</c>). <see cref="Message"/> and <see cref="Values"/> are the numbers that made
/// it fire (or, for an episode that never fired, that started it); a resolved alert keeps them.
/// </summary>
public sealed record Alert(
    string Id,
    string RuleId,
    string RuleName,
    RuleType Type,
    AlertSeverity Severity,
    IReadOnlyList<string> Instruments,
    AlertState State,
    string? Direction,
    DateTimeOffset StartedAt,
    DateTimeOffset? FiredAt,
    DateTimeOffset? ResolvedAt,
    string Message,
    IReadOnlyDictionary<string, double> Values)
{
    /// <summary>The labels of the rule that raised it.</summary>
    public RuleLabels Labels { get; init; } = RuleLabels.Empty;

    /// <summary>The version of the rule that started the episode (0: a rule never stored, such as a backtest's inline one).</summary>
    public int RuleVersion { get; init; }

    /// <summary>What the condition read when the episode started or fired, captured then (empty for alerts not raised by a rule's inputs).</summary>
    public IReadOnlyList<AlertInput> Inputs { get; init; } = [];
}

/// <summary>
/// One input of an alert: the series the condition read (as the rule writes it), its value then (a series' quantity in
/// <paramref name="Unit"/>, its base unit; prices and indicators have no unit here), and when that value became known:
/// <paramref name="At"/> is the tick's time or the bar's close, and for an inventory series its publication time, with
/// <paramref name="AsOf"/> the day the value describes and <paramref name="PublishedAt"/> (inventory only).
/// </summary>
public sealed record AlertInput(string Series, double Value, string? Unit, DateTimeOffset At, DateOnly? AsOf = null, DateTimeOffset? PublishedAt = null);

/// <summary>A change of an alert's state at event time <paramref name="At"/>; <paramref name="From"/> is null when the episode starts.</summary>
public sealed record AlertTransition(AlertState? From, AlertState To, DateTimeOffset At, Alert Alert);
