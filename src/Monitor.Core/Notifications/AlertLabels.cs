using Monitor.Core.Rules;

namespace Monitor.Core.Notifications;

/// <summary>
/// The labels policy matchers, grouping and inhibition read from an alert: <c>ruleId</c>, <c>type</c>,
/// <c>severity</c> (contract spellings), <c>instrument</c> (each of the alert's instruments) and the rule's own labels
/// (which cannot override those four).
/// </summary>
public sealed class AlertLabels
{
    public const string RuleId = "ruleId";
    public const string Type = "type";
    public const string Severity = "severity";
    public const string Instrument = "instrument";

    /// <summary>The labels every alert has, whatever its rule.</summary>
    public static readonly IReadOnlyList<string> BuiltIn = [RuleId, Type, Severity, Instrument];

    private readonly Dictionary<string, string[]> _values;

    private AlertLabels(Dictionary<string, string[]> values) => _values = values;

    public static AlertLabels Of(Alert alert)
    {
        ArgumentNullException.ThrowIfNull(alert);
        var values = new Dictionary<string, string[]>(StringComparer.Ordinal);
        // The labels the alert carries: its rule's when it was raised.
        foreach (var (name, value) in alert.Labels)
        {
            values[name] = [value];
        }

        values[RuleId] = [alert.RuleId];
        values[Type] = [alert.Type.ToText()];
        values[Severity] = [alert.Severity.ToText()];
        values[Instrument] = [.. alert.Instruments];
        return new AlertLabels(values);
    }

    /// <summary>The label's values: none when the alert lacks it, several for <c>instrument</c> on a multi-instrument alert.</summary>
    public IReadOnlyList<string> ValuesOf(string name) => _values.TryGetValue(name, out var values) ? values : [];

    /// <summary>One value for grouping and equality: a multi-valued label's values joined by commas, a missing one empty.</summary>
    public string ValueOf(string name) => _values.TryGetValue(name, out var values) ? string.Join(",", values) : "";

    public IEnumerable<string> Names => _values.Keys;
}
