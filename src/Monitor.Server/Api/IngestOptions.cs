using Monitor.Server.Webhooks;

namespace Monitor.Server.Api;

/// <summary><c>Monitor:Ingest</c>: what the ingest routes accept. Durations as elsewhere (<c>30s</c>, <c>1m</c>, <c>00:01:00</c>).</summary>
public sealed class IngestOptions
{
    public const string Section = "Monitor:Ingest";

    /// <summary>The largest skew allowed: a feed's clock a day ahead is a broken feed.</summary>
    public static readonly TimeSpan MaxAllowedSkew = TimeSpan.FromDays(1);

    /// <summary>How far ahead of the server's clock a tick's <c>ts</c> (or an inventory value's <c>publishedAt</c>) may be.
    /// One tick far ahead would close its bars early and make every real tick after it late.</summary>
    public string MaxFutureSkew { get; set; } = "1m";

    /// <summary>Batches one tick stream connection may have unacknowledged: the server reads no further message while
    /// this many are being stored or their acknowledgements wait to be sent.</summary>
    public int StreamWindow { get; set; } = 8;

    public TimeSpan ParsedMaxFutureSkew => WebhookDuration.TryParse(MaxFutureSkew, out var skew)
        ? skew
        : throw new InvalidOperationException($"{Section}:MaxFutureSkew '{MaxFutureSkew}' is not a duration");

    public IEnumerable<string> Validate()
    {
        if (!WebhookDuration.TryParse(MaxFutureSkew, out var skew) || skew < TimeSpan.Zero || skew > MaxAllowedSkew)
        {
            yield return $"{Section}:MaxFutureSkew '{MaxFutureSkew}' must be a duration from 0s to 1d, such as 1m or 30s";
        }

        if (StreamWindow is < 1 or > 64)
        {
            yield return $"{Section}:StreamWindow must be from 1 to 64 (unacknowledged batches per tick stream), not {StreamWindow}";
        }
    }
}
