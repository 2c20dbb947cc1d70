using Monitor.Core.Ports;
using Monitor.Server.Webhooks;

namespace Monitor.Server.Sources;

/// <summary>
/// <c>Monitor:Sources</c>: how sources fetch. The sources themselves are configured under <c>Monitor:Sources:Definitions</c>
/// (read by <see cref="SourceConfiguration"/>) or through <c>/api/v1/sources</c>. Durations as for webhooks
/// (<c>30s</c>, <c>5m</c>, <c>00:01:00</c>).
/// </summary>
public sealed class SourceOptions
{
    public const string Section = "Monitor:Sources";
    public const string DefaultRetrySchedule = "30s,2m,10m";

    /// <summary>Whether sources on loopback, private, link-local and other internal addresses may be fetched (the webhook
    /// guard's rule; local mirrors and tests turn it on).</summary>
    public bool AllowPrivateNetworks { get; set; }

    /// <summary>Per attempt: connecting, sending and reading the whole file.</summary>
    public string Timeout { get; set; } = "60s";

    /// <summary>A file larger than this is refused unread (the publishers' files are well under a megabyte).</summary>
    public long MaxBytes { get; set; } = 32L * 1024 * 1024;

    /// <summary>After a failed fetch, the delays before the next attempts (then the schedule resumes).</summary>
    public string RetrySchedule { get; set; } = DefaultRetrySchedule;

    /// <summary>How often the scheduler looks for sources changed by another silo when nothing is due sooner.</summary>
    public string PollInterval { get; set; } = "5s";

    public TimeSpan ParsedTimeout => Parse(Timeout);

    public TimeSpan ParsedPollInterval => Parse(PollInterval);

    public IReadOnlyList<TimeSpan> ParsedRetrySchedule => [.. RetrySchedule.Split(',').Select(Parse)];

    /// <summary>How long a scheduler holds a source it fetches: the attempt, parsing and storing, with room to spare;
    /// a killed process's sources are fetched again by another once it runs out.</summary>
    public TimeSpan Lease => (ParsedTimeout * 2) + TimeSpan.FromMinutes(1);

    /// <summary>Every problem, each naming its key.</summary>
    public IEnumerable<string> Validate()
    {
        if (!WebhookDuration.TryParse(Timeout, out var timeout) || timeout <= TimeSpan.Zero)
        {
            yield return $"{Section}:Timeout '{Timeout}' must be a duration above zero, such as 60s";
        }

        if (!WebhookDuration.TryParse(PollInterval, out var poll) || poll <= TimeSpan.Zero)
        {
            yield return $"{Section}:PollInterval '{PollInterval}' must be a duration above zero, such as 5s";
        }

        if ((RetrySchedule ?? "").Split(',').Any(item => !WebhookDuration.TryParse(item, out var delay) || delay < TimeSpan.Zero))
        {
            yield return $"{Section}:RetrySchedule '{RetrySchedule}' must be a comma-separated list of durations such as {DefaultRetrySchedule}";
        }

        if (MaxBytes is < 1024 or > 1L << 30)
        {
            yield return $"{Section}:MaxBytes must be from 1024 to 1073741824";
        }
    }

    private static TimeSpan Parse(string text) =>
        WebhookDuration.TryParse(text, out var value) ? value : throw new InvalidOperationException($"{Section}: '{text}' is not a duration");
}
