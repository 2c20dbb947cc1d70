using System.Globalization;
using Monitor.Core.Ports;

namespace Monitor.Server.Webhooks;

/// <summary>
/// <c>Monitor:Webhooks</c> (docs/api.md, Configuration). Durations are written <c>500ms</c>, <c>5s</c>, <c>5m</c>, <c>2h</c>,
/// <c>1d</c> or as a .NET time span (<c>00:00:15</c>); the retry schedule is a comma-separated list of them.
/// </summary>
public sealed class WebhookOptions
{
    public const string Section = "Monitor:Webhooks";
    public const string DefaultRetrySchedule = "0s,5s,5m,30m,2h,5h,10h,14h,20h,24h";

    /// <summary>After a rotation, how long the old secret keeps signing beside the new one.</summary>
    public static readonly TimeSpan RotationOverlap = TimeSpan.FromHours(24);

    /// <summary>The delays before attempts 1..n; a delivery whose last attempt fails is failed, and its webhook disabled.</summary>
    public string RetrySchedule { get; set; } = DefaultRetrySchedule;

    /// <summary>Per attempt: connecting, sending and the answer.</summary>
    public string Timeout { get; set; } = "15s";

    /// <summary>Whether targets on loopback, private, link-local and other internal addresses are allowed (local setups, tests).</summary>
    public bool AllowPrivateNetworks { get; set; }

    /// <summary>Attempts in flight at once to one webhook (extension); webhooks never wait for each other.</summary>
    public int MaxConcurrencyPerWebhook { get; set; } = 16;

    /// <summary>How often the outbox is read when nothing wakes the dispatcher (extension): deliveries stored by another
    /// silo, leases that ran out. Deliveries stored by this process and retries falling due wake it at once.</summary>
    public string PollInterval { get; set; } = "2s";

    public IReadOnlyList<TimeSpan> ParsedRetrySchedule =>
        [.. RetrySchedule.Split(',').Select(item => WebhookDuration.TryParse(item, out var delay) ? delay : throw Invalid(nameof(RetrySchedule), RetrySchedule))];

    public TimeSpan ParsedTimeout => Parse(nameof(Timeout), Timeout);

    public TimeSpan ParsedPollInterval => Parse(nameof(PollInterval), PollInterval);

    /// <summary>How long a dispatcher holds a delivery it sends: long enough for the attempt and recording it, short
    /// enough that a killed process's deliveries go out again soon.</summary>
    public TimeSpan Lease => (ParsedTimeout * 2) + TimeSpan.FromSeconds(1);

    /// <summary>Every problem, each naming its key.</summary>
    public IEnumerable<string> Validate()
    {
        var items = (RetrySchedule ?? "").Split(',');
        var bad = items.Where(item => !WebhookDuration.TryParse(item, out var delay) || delay < TimeSpan.Zero).ToList();
        if (RetrySchedule is null || bad.Count > 0)
        {
            yield return $"{Section}:RetrySchedule '{RetrySchedule}' must be a comma-separated list of durations such as {DefaultRetrySchedule}" +
                (bad.Count > 0 ? $" ('{string.Join("', '", bad.Select(b => b.Trim()))}' is not one)" : "");
        }

        if (!WebhookDuration.TryParse(Timeout, out var timeout) || timeout <= TimeSpan.Zero)
        {
            yield return $"{Section}:Timeout '{Timeout}' must be a duration above zero, such as 15s";
        }

        if (!WebhookDuration.TryParse(PollInterval, out var poll) || poll <= TimeSpan.Zero)
        {
            yield return $"{Section}:PollInterval '{PollInterval}' must be a duration above zero, such as 2s";
        }

        if (MaxConcurrencyPerWebhook is < 1 or > 256)
        {
            yield return $"{Section}:MaxConcurrencyPerWebhook must be from 1 to 256";
        }
    }

    private static TimeSpan Parse(string key, string text) => WebhookDuration.TryParse(text, out var value) ? value : throw Invalid(key, text);

    private static InvalidOperationException Invalid(string key, string text) => new($"{Section}:{key} '{text}' is not a valid duration");
}

/// <summary>Durations in configuration: a number and a unit (<c>ms</c>, <c>s</c>, <c>m</c>, <c>h</c>, <c>d</c>), or a .NET time span.</summary>
public static class WebhookDuration
{
    public static bool TryParse(string? text, out TimeSpan duration)
    {
        duration = default;
        text = text?.Trim();
        if (string.IsNullOrEmpty(text))
        {
            return false;
        }

        if (text.Contains(':', StringComparison.Ordinal))
        {
            return TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out duration);
        }

        int digits = text.TakeWhile(c => char.IsAsciiDigit(c) || c == '.').Count();
        if (digits == 0 || !double.TryParse(text[..digits], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out double amount))
        {
            return false;
        }

        double? milliseconds = text[digits..] switch
        {
            "ms" => amount,
            "s" => amount * 1000,
            "m" => amount * 60_000,
            "h" => amount * 3_600_000,
            "d" => amount * 86_400_000,
            _ => null,
        };
        if (milliseconds is not { } ms || ms > TimeSpan.MaxValue.TotalMilliseconds)
        {
            return false;
        }

        duration = TimeSpan.FromMilliseconds(ms);
        return true;
    }
}
