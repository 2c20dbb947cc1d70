using System.Text.RegularExpressions;

namespace Monitor.Core.Notifications;

public enum MatchOperator
{
    Equal,
    NotEqual,
    Regex,
    NotRegex,
}

/// <summary>
/// <c>label=value</c>, <c>label!=value</c>, <c>label=~regex</c> or <c>label!~regex</c>, as Alertmanager writes them.
/// A regex is anchored at both ends; a label the alert lacks reads as the empty string. For a label with several
/// values (<c>instrument</c>) a positive matcher holds if any value matches and a negative one if none does.
/// </summary>
public sealed class LabelMatcher
{
    // A guard against runaway patterns, wide enough that a busy machine never trips it on a sane one.
    private static readonly TimeSpan RegexTimeout = TimeSpan.FromSeconds(2);
    private readonly Regex? _regex;

    private LabelMatcher(string name, MatchOperator op, string value, Regex? regex)
    {
        Name = name;
        Operator = op;
        Value = value;
        _regex = regex;
    }

    public string Name { get; }

    public MatchOperator Operator { get; }

    public string Value { get; }

    /// <summary>Reads <paramref name="text"/>; null with <paramref name="error"/> when it is not a matcher.</summary>
    public static LabelMatcher? TryParse(string text, out string? error)
    {
        ArgumentNullException.ThrowIfNull(text);
        error = null;
        int at = text.IndexOfAny(['=', '!']);
        if (at <= 0)
        {
            error = $"'{text}' is not a matcher: write label=value, label!=value, label=~regex or label!~regex";
            return null;
        }

        string name = text[..at].Trim();
        string rest = text[at..];
        (MatchOperator op, int length) = rest switch
        {
            _ when rest.StartsWith("=~", StringComparison.Ordinal) => (MatchOperator.Regex, 2),
            _ when rest.StartsWith("!~", StringComparison.Ordinal) => (MatchOperator.NotRegex, 2),
            _ when rest.StartsWith("!=", StringComparison.Ordinal) => (MatchOperator.NotEqual, 2),
            _ when rest.StartsWith('=') => (MatchOperator.Equal, 1),
            _ => (MatchOperator.Equal, 0),
        };
        if (length == 0 || name.Length == 0 || !name.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '.' or '-'))
        {
            error = $"'{text}' is not a matcher: write label=value, label!=value, label=~regex or label!~regex";
            return null;
        }

        string value = Unquote(rest[length..].Trim());
        Regex? regex = null;
        if (op is MatchOperator.Regex or MatchOperator.NotRegex)
        {
            try
            {
                regex = new Regex($"^(?:{value})$", RegexOptions.CultureInvariant, RegexTimeout);
            }
            catch (ArgumentException e)
            {
                error = $"'{value}' is not a regular expression: {e.Message}";
                return null;
            }
        }

        return new LabelMatcher(name, op, value, regex);
    }

    public bool Matches(AlertLabels labels)
    {
        ArgumentNullException.ThrowIfNull(labels);
        var values = labels.ValuesOf(Name);
        return Operator switch
        {
            MatchOperator.Equal => AnyMatches(values),
            MatchOperator.Regex => AnyMatches(values),
            _ => !AnyMatches(values),
        };
    }

    public static bool All(IReadOnlyList<LabelMatcher> matchers, AlertLabels labels)
    {
        for (int i = 0; i < matchers.Count; i++)
        {
            if (!matchers[i].Matches(labels))
            {
                return false;
            }
        }

        return true;
    }

    public override string ToString() => Name + Operator switch
    {
        MatchOperator.Equal => "=",
        MatchOperator.NotEqual => "!=",
        MatchOperator.Regex => "=~",
        _ => "!~",
    } + Value;

    private bool AnyMatches(IReadOnlyList<string> values)
    {
        if (values.Count == 0)
        {
            return Test("");
        }

        for (int i = 0; i < values.Count; i++)
        {
            if (Test(values[i]))
            {
                return true;
            }
        }

        return false;
    }

    private bool Test(string value) =>
        _regex is null ? string.Equals(value, Value, StringComparison.Ordinal) : _regex.IsMatch(value);

    private static string Unquote(string value) =>
        value.Length >= 2 && value[0] == '"' && value[^1] == '"' ? value[1..^1] : value;
}
