using Monitor.Core.Market;

namespace Monitor.Server.Api;

/// <summary>
/// The <c>label</c> query parameter of the rule and alert lists: <c>?label=desk=precious&amp;label=region=EU</c>, each
/// <c>key=value</c> (split at the first '='), all of which must hold. Keys and values compare exactly as written.
/// </summary>
internal static class LabelSelectors
{
    public const int MaxSelectors = 16;

    /// <summary>The selectors by key, or null with the problem in <paramref name="problem"/>.</summary>
    public static Dictionary<string, string>? Parse(string[]? raw, out string? problem)
    {
        problem = null;
        var selectors = new Dictionary<string, string>(StringComparer.Ordinal);
        if (raw is null)
        {
            return selectors;
        }

        if (raw.Length > MaxSelectors)
        {
            problem = $"at most {MaxSelectors} 'label' selectors";
            return null;
        }

        foreach (string selector in raw)
        {
            int equals = selector.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0 || equals == selector.Length - 1)
            {
                problem = $"'label' '{UntrustedText.Printable(selector)}' must be written key=value, such as label=desk=precious";
                return null;
            }

            string key = selector[..equals];
            if (!selectors.TryAdd(key, selector[(equals + 1)..]))
            {
                problem = $"'label' names '{UntrustedText.Printable(key)}' more than once; a label has one value";
                return null;
            }
        }

        return selectors;
    }
}
