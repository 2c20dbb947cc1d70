namespace Monitor.Server.Live;

/// <summary><c>Monitor:Hub</c>: how the hub treats clients that fall behind.</summary>
public sealed class MarketHubOptions
{
    public const string Section = "Monitor:Hub";

    /// <summary>
    /// Messages queued for one connection at most. A connection whose queue is full has stopped reading (or reads
    /// slower than it is sent to): it is disconnected, and reloads its snapshot when it reconnects. At 18
    /// instruments quoted 10 times a second this is about 3 s of messages.
    /// </summary>
    public int ClientQueueLimit { get; set; } = 512;

    public IEnumerable<string> Validate()
    {
        if (ClientQueueLimit is < 1 or > 1_000_000)
        {
            yield return "Monitor:Hub:ClientQueueLimit must be from 1 to 1000000 (messages queued per connection)";
        }
    }
}
