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

    /// <summary>
    /// How often a connection that takes quote batches (<c>?quotes=batched</c>) is sent the quotes that arrived for it
    /// since the last push, as one <c>Quotes</c> message: a tick waits at most this long in the hub.
    /// </summary>
    public TimeSpan PushInterval { get; set; } = TimeSpan.FromMilliseconds(10);

    public IEnumerable<string> Validate()
    {
        if (ClientQueueLimit is < 1 or > 1_000_000)
        {
            yield return "Monitor:Hub:ClientQueueLimit must be from 1 to 1000000 (messages queued per connection)";
        }

        if (PushInterval < TimeSpan.FromMilliseconds(1) || PushInterval > TimeSpan.FromSeconds(1))
        {
            yield return $"Monitor:Hub:PushInterval must be from 1ms to 1s (how often quote batches are pushed), not {PushInterval}";
        }
    }
}
