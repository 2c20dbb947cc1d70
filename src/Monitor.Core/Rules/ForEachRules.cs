using Monitor.Core.Market;

namespace Monitor.Core.Rules;

/// <summary>
/// The instruments a forEach rule runs over: ids (<c>ETF:SLV</c>) and patterns where <c>*</c> stands for any run of
/// characters (<c>ETF:*</c>, <c>*:SI</c>). Two are equal when they list the same texts in the same order.
/// </summary>
public sealed class InstrumentPatterns : IEquatable<InstrumentPatterns>
{
    /// <summary>The most entries one forEach may list.</summary>
    public const int MaxCount = 100;

    private readonly string[] _patterns;

    private InstrumentPatterns(string[] patterns) => _patterns = patterns;

    public IReadOnlyList<string> Patterns => _patterns;

    /// <summary>Reads the entries; each is an instrument id, possibly with <c>*</c> in place of characters.</summary>
    public static bool TryCreate(IReadOnlyList<string> entries, out InstrumentPatterns patterns, out string error)
    {
        patterns = null!;
        if (entries.Count is 0 or > MaxCount)
        {
            error = $"lists 1 to {MaxCount} instruments or patterns, such as [\"ETF:*\"] or [\"ETF:SLV\",\"ETF:GLD\"]";
            return false;
        }

        foreach (string entry in entries)
        {
            // A pattern is an id with '*' for characters: checked as the id it would be with each '*' a letter.
            if (!InstrumentId.TryParse(entry.Replace('*', 'A'), out _, out error))
            {
                error = $"'{UntrustedText.Printable(entry)}' is not an instrument id or a pattern such as ETF:* ({error})";
                return false;
            }
        }

        patterns = new InstrumentPatterns([.. entries]);
        error = "";
        return true;
    }

    public bool Matches(InstrumentId instrument) => Array.Exists(_patterns, p => Matches(p, instrument.Value));

    public bool Equals(InstrumentPatterns? other) => other is not null && _patterns.AsSpan().SequenceEqual(other._patterns);

    public override bool Equals(object? obj) => Equals(obj as InstrumentPatterns);

    public override int GetHashCode()
    {
        var hash = new HashCode();
        foreach (string pattern in _patterns)
        {
            hash.Add(pattern, StringComparer.Ordinal);
        }

        return hash.ToHashCode();
    }

    public override string ToString() => string.Join(",", _patterns);

    /// <summary>Glob match where <c>*</c> is any run of characters (ids are short: a simple backtracking match).</summary>
    private static bool Matches(ReadOnlySpan<char> pattern, ReadOnlySpan<char> text)
    {
        int star = pattern.IndexOf('*');
        if (star < 0)
        {
            return pattern.SequenceEqual(text);
        }

        if (!text.StartsWith(pattern[..star]))
        {
            return false;
        }

        var rest = pattern[(star + 1)..];
        for (int i = star; i <= text.Length; i++)
        {
            if (Matches(rest, text[i..]))
            {
                return true;
            }
        }

        return false;
    }
}

/// <summary>
/// forEach rules: one rule over many instruments, <c>$</c> in its condition standing for each. The stored rule compiles
/// <c>$</c> as <see cref="Placeholder"/> (to check it); each matching instrument runs a member: the same rule with
/// <c>$</c> bound to that instrument, its own episodes and alert ids (ids derive from the instruments), keyed in a
/// <see cref="RuleSet"/> by <see cref="Key"/>. A member reads only its own instrument, so it runs in that instrument's
/// grain; an instrument added later that matches starts its member when its grain starts.
/// </summary>
public static class ForEachRules
{
    /// <summary>What <c>$</c> stands for while a forEach rule is checked; never an instrument.</summary>
    public static readonly InstrumentId Placeholder = InstrumentId.Parse("FOREACH:EACH");

    public static string Key(string ruleId, InstrumentId? member) => member is { } m ? $"{ruleId}|{m}" : ruleId;

    /// <summary>The member of <paramref name="rule"/> for <paramref name="instrument"/>, or null if its forEach does not match it.</summary>
    public static RuleDefinition? Member(RuleDefinition rule, InstrumentId instrument)
    {
        if (rule.ForEach is not { } patterns || rule.Member is not null || !patterns.Matches(instrument) || rule.Parameters is not ExpressionParameters p)
        {
            return null;
        }

        if (!ExpressionParameters.TryCreate(p.Condition, p.Message, rule.Interval, out var bound, out var problems, each: instrument))
        {
            throw new InvalidOperationException($"rule '{rule.Id}' does not compile for {instrument}: {string.Join("; ", problems)}");
        }

        return rule with { Member = instrument, Parameters = bound };
    }

    /// <summary>The rules as they run: each forEach rule as one member per instrument of <paramref name="instruments"/> it matches.</summary>
    public static IEnumerable<RuleDefinition> Expand(IEnumerable<RuleDefinition> rules, IEnumerable<InstrumentId> instruments)
    {
        var known = instruments.ToArray();
        foreach (var rule in rules)
        {
            if (rule.ForEach is null || rule.Member is not null)
            {
                yield return rule;
                continue;
            }

            foreach (var instrument in known)
            {
                if (Member(rule, instrument) is { } member)
                {
                    yield return member;
                }
            }
        }
    }
}
