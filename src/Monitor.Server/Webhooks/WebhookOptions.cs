using System.Globalization;

namespace Monitor.Server.Webhooks;

/// <summary>
/// <c>Monitor:Webhooks</c> (docs/api.md, Configuration). Durations are written <c>500ms</c>, <c>5s</c>, <c>5m</c>, <c>2h</c>,
/// <c>1d</c> or as a .NET time span (<c>00:00:15</c>), see <see cref="DurationConverter"/>; the retry schedule is a
/// comma-separated list of them.
/// </summary>
public sealed class WebhookOptions
{
    public const string Section = "Monitor:Webhooks";

    /// <summary>After a rotation, how long the old secret keeps signing beside the new one.</summary>
    public static readonly TimeSpan RotationOverlap = TimeSpan.FromHours(24);

    /// <summary>The delays before attempts 1..n; a delivery whose last attempt fails is failed, and its webhook disabled.</summary>
    public RetrySchedule RetrySchedule { get; set; } = RetrySchedule.Default;

    /// <summary>Per attempt: connecting, sending and the answer.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Whether targets on loopback, private, link-local and other internal addresses are allowed (local setups, tests).</summary>
    public bool AllowPrivateNetworks { get; set; }

    /// <summary>Attempts in flight at once to one webhook (extension); webhooks never wait for each other.</summary>
    public int MaxConcurrencyPerWebhook { get; set; } = 16;

    /// <summary>How often the outbox is read when nothing wakes the dispatcher (extension): deliveries stored by another
    /// silo, leases that ran out. Deliveries stored by this process and retries falling due wake it at once.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>How long a dispatcher holds a delivery it sends: long enough for the attempt and recording it, short
    /// enough that a killed process's deliveries go out again soon.</summary>
    public TimeSpan Lease => (Timeout * 2) + TimeSpan.FromSeconds(1);

    /// <summary>Every problem, each naming its key.</summary>
    public IEnumerable<string> Validate()
    {
        if (RetrySchedule is null || RetrySchedule.Invalid.Count > 0 || RetrySchedule.Count == 0 || RetrySchedule.Any(delay => delay < TimeSpan.Zero))
        {
            var bad = RetrySchedule?.Invalid ?? [];
            yield return $"{Section}:RetrySchedule '{RetrySchedule}' must be a comma-separated list of durations such as {RetrySchedule.DefaultText}" +
                (bad.Count > 0 ? $" ('{string.Join("', '", bad)}' is not one)" : "");
        }

        if (Timeout <= TimeSpan.Zero)
        {
            yield return $"{Section}:Timeout '{Timeout}' must be a duration above zero, such as 15s";
        }

        if (PollInterval <= TimeSpan.Zero)
        {
            yield return $"{Section}:PollInterval '{PollInterval}' must be a duration above zero, such as 2s";
        }

        if (MaxConcurrencyPerWebhook is < 1 or > 256)
        {
            yield return $"{Section}:MaxConcurrencyPerWebhook must be from 1 to 256";
        }
    }
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
