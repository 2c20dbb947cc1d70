using System.Globalization;
using System.Text.RegularExpressions;
using Monitor.Core.Rules;

namespace Monitor.Core.Notifications;

/// <summary>A policy's durations: numbers with units, combinable (<c>30s</c>, <c>5m</c>, <c>1h30m</c>, <c>2d</c>, <c>1w</c>, <c>500ms</c>) or ISO-8601 (<c>PT4H</c>).</summary>
public static partial class PolicyDuration
{
    public static bool TryParse(string? text, out TimeSpan duration)
    {
        duration = TimeSpan.Zero;
        text = text?.Trim() ?? "";
        if (text.StartsWith('P') || text.StartsWith('p'))
        {
            return RuleWindow.TryParseDuration(text.ToUpperInvariant(), out duration, out _);
        }

        var match = Compound().Match(text);
        if (!match.Success || text.Length == 0)
        {
            return false;
        }

        foreach (Capture part in match.Groups["part"].Captures)
        {
            int digits = part.Value.TakeWhile(char.IsAsciiDigit).Count();
            long amount = long.Parse(part.Value[..digits], CultureInfo.InvariantCulture);
            duration += part.Value[digits..] switch
            {
                "ms" => TimeSpan.FromMilliseconds(amount),
                "s" => TimeSpan.FromSeconds(amount),
                "m" => TimeSpan.FromMinutes(amount),
                "h" => TimeSpan.FromHours(amount),
                "d" => TimeSpan.FromDays(amount),
                _ => TimeSpan.FromDays(7 * amount),
            };
        }

        return true;
    }

    [GeneratedRegex("^(?:(?<part>[0-9]{1,9}(?:ms|s|m|h|d|w)))+$", RegexOptions.CultureInvariant)]
    private static partial Regex Compound();
}
