namespace Monitor.Server.Notifications;

/// <summary><c>Monitor:Notifications</c> (docs/api.md, Configuration): how the policy runner works; durations as webhooks write them.</summary>
public sealed class NotificationOptions
{
    public const string Section = "Monitor:Notifications";

    /// <summary>How often the runner looks for alert changes and due groups when nothing is due sooner.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How long the runner's lease lasts: a silo that dies is replaced this long after its last step at most.</summary>
    public TimeSpan Lease { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Inbox entries taken in one step.</summary>
    public int BatchSize { get; set; } = 500;

    public IEnumerable<string> Validate()
    {
        if (PollInterval <= TimeSpan.Zero)
        {
            yield return $"{Section}:PollInterval '{PollInterval}' must be a duration above zero, such as 1s";
        }

        if (Lease <= PollInterval)
        {
            yield return $"{Section}:Lease '{Lease}' must be longer than PollInterval '{PollInterval}', such as 30s";
        }

        if (BatchSize is < 1 or > 100_000)
        {
            yield return $"{Section}:BatchSize must be from 1 to 100000";
        }
    }
}
