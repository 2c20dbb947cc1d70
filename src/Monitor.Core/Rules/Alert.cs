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
    IReadOnlyDictionary<string, double> Values);

/// <summary>A change of an alert's state at event time <paramref name="At"/>; <paramref name="From"/> is null when the episode starts.</summary>
public sealed record AlertTransition(AlertState? From, AlertState To, DateTimeOffset At, Alert Alert);
