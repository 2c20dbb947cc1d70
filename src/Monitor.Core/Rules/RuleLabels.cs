using System.Collections;
using System.Globalization;
using System.Diagnostics.CodeAnalysis;
using System.Text;
using Monitor.Core.Market;

namespace Monitor.Core.Rules;

/// <summary>
/// A rule's labels: free key/value pairs for routing and filtering (notification matchers, <c>?label=</c> filters). Keys
/// and values are any Unicode text within the limits below, kept and compared exactly as written (ordinally, as
/// Alertmanager compares labels: "é" typed precomposed and "é" typed as e plus a combining accent are two values);
/// enumeration is by key (ordinal), so equal label sets write the same JSON. Equality is by content.
/// </summary>
[SuppressMessage("Naming", "CA1710", Justification = "Labels is the name the API and the notification policy use.")]
public sealed class RuleLabels : IReadOnlyDictionary<string, string>, IEquatable<RuleLabels>
{
    public const int MaxCount = 32;
    public const int MaxKeyLength = 64;
    public const int MaxValueLength = 256;

    /// <summary>Names the notification policy matches on already: a label may not shadow them.</summary>
    public static readonly IReadOnlyList<string> Reserved = ["ruleId", "type", "severity", "instrument"];

    private readonly SortedDictionary<string, string> _labels;

    private RuleLabels(SortedDictionary<string, string> labels) => _labels = labels;

    public static RuleLabels Empty { get; } = new(new SortedDictionary<string, string>(StringComparer.Ordinal));

    public int Count => _labels.Count;

    public string this[string key] => _labels[key];

    public IEnumerable<string> Keys => _labels.Keys;

    public IEnumerable<string> Values => _labels.Values;

    /// <summary>Labels from pairs that <see cref="CheckKey"/> and <see cref="CheckValue"/> accept; throws on a bad one (for code, not for input).</summary>
    public static RuleLabels From(IEnumerable<KeyValuePair<string, string>> pairs)
    {
        ArgumentNullException.ThrowIfNull(pairs);
        var labels = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in pairs)
        {
            if ((CheckKey(key) ?? CheckValue(value)) is { } error)
            {
                throw new ArgumentException($"label '{UntrustedText.Printable(key)}': {error}", nameof(pairs));
            }

            labels[key] = value;
        }

        return labels.Count <= MaxCount
            ? new RuleLabels(labels)
            : throw new ArgumentException($"at most {MaxCount} labels", nameof(pairs));
    }

    /// <summary>Why <paramref name="key"/> cannot be a label key, or null: 1 to 64 letters (any script), digits, '_', '-' or '.', starting with a letter or '_', and not a reserved name.</summary>
    public static string? CheckKey(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (!IsWellFormed(key))
        {
            return "is not valid Unicode (a lone surrogate)";
        }

        int length = new StringInfo(key).LengthInTextElements;
        if (length is 0 or > MaxKeyLength)
        {
            return $"a key is 1 to {MaxKeyLength} characters";
        }

        bool first = true;
        foreach (var rune in key.EnumerateRunes())
        {
            bool letter = Rune.IsLetter(rune) || rune.Value == '_'
                || Rune.GetUnicodeCategory(rune) is UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark;
            bool ok = first ? Rune.IsLetter(rune) || rune.Value == '_' : letter || Rune.IsDigit(rune) || rune.Value is '-' or '.';
            if (!ok)
            {
                return $"a key is letters (any script), digits, '_', '-' and '.', starting with a letter or '_'; '{UntrustedText.Printable(rune.ToString())}' is not allowed {(first ? "first" : "in it")}";
            }

            first = false;
        }

        return Reserved.Contains(key, StringComparer.OrdinalIgnoreCase)
            ? $"'{key}' is reserved: matchers read the alert's own {key}"
            : null;
    }

    /// <summary>Why <paramref name="value"/> cannot be a label value, or null: 1 to 256 characters, no control or invisible format characters.</summary>
    public static string? CheckValue(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (!IsWellFormed(value))
        {
            return "is not valid Unicode (a lone surrogate)";
        }

        int length = new StringInfo(value).LengthInTextElements;
        if (length is 0 or > MaxValueLength || string.IsNullOrWhiteSpace(value))
        {
            return $"a value is 1 to {MaxValueLength} characters and not blank";
        }

        foreach (var rune in value.EnumerateRunes())
        {
            var category = Rune.GetUnicodeCategory(rune);
            if (category is UnicodeCategory.Control or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator
                || (category == UnicodeCategory.Format && rune.Value != 0x200D))
            {
                return $"contains the invisible or control character U+{rune.Value:X4}";
            }
        }

        return null;
    }

    public bool ContainsKey(string key) => _labels.ContainsKey(key);

    public bool TryGetValue(string key, out string value) => _labels.TryGetValue(key, out value!);

    /// <summary>Whether every one of <paramref name="selectors"/> is a label of this set, key and value equal.</summary>
    public bool MatchesAll(IEnumerable<KeyValuePair<string, string>> selectors)
    {
        ArgumentNullException.ThrowIfNull(selectors);
        return selectors.All(s => _labels.TryGetValue(s.Key, out var value) && value == s.Value);
    }

    public IEnumerator<KeyValuePair<string, string>> GetEnumerator() => _labels.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    public bool Equals(RuleLabels? other) =>
        other is not null && other.Count == Count && _labels.All(p => other._labels.TryGetValue(p.Key, out var v) && v == p.Value);

    public override bool Equals(object? obj) => Equals(obj as RuleLabels);

    public override int GetHashCode()
    {
        var hash = new HashCode();
        foreach (var (key, value) in _labels)
        {
            hash.Add(key, StringComparer.Ordinal);
            hash.Add(value, StringComparer.Ordinal);
        }

        return hash.ToHashCode();
    }

    public override string ToString() => string.Join(",", _labels.Select(p => $"{p.Key}={p.Value}"));

    private static bool IsWellFormed(string text)
    {
        for (int i = 0; i < text.Length; i++)
        {
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(text[i]))
            {
                return false;
            }
        }

        return true;
    }
}
