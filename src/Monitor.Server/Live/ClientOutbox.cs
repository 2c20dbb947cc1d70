using System.Threading.Channels;
using Microsoft.AspNetCore.SignalR;
using Monitor.Grains;
using Monitor.Grains.Telemetry;

namespace Monitor.Server.Live;

/// <summary>
/// One hub connection's outgoing messages: a bounded queue, and a loop that writes them to the connection one at a
/// time. Senders only enqueue, so a connection that stops reading holds up no one but itself; once its queue is full
/// it is disconnected (a client reloads its snapshot when it reconnects, as after any gap). Also keeps the groups
/// the connection is in, so they can be left when it closes, and, for a connection that takes quote batches, the
/// quotes that arrived since the last push (<see cref="AddQuote"/>, <see cref="PushQuotes"/>).
/// </summary>
internal sealed class ClientOutbox
{
    private readonly HubConnectionContext _connection;
    private readonly Channel<SerializedHubMessage> _queue;
    private readonly int _limit;
    private readonly ILogger _logger;
    private readonly HashSet<string> _groups = new(StringComparer.Ordinal);
    private List<QuoteMessage> _quotes = [];
    private bool _closed;

    public ClientOutbox(HubConnectionContext connection, int limit, bool batchesQuotes, ILogger logger)
    {
        _connection = connection;
        BatchesQuotes = batchesQuotes;
        _limit = limit;
        _logger = logger;
        _queue = Channel.CreateBounded<SerializedHubMessage>(new BoundedChannelOptions(limit) { SingleReader = true });
        _ = SendAllAsync();
    }

    public string ConnectionId => _connection.ConnectionId;

    public string? UserIdentifier => _connection.UserIdentifier;

    /// <summary>Whether quotes go to this connection as one <c>Quotes</c> message per push, rather than one <c>Quote</c> each.</summary>
    public bool BatchesQuotes { get; }

    /// <summary>Keeps a quote for the next push (only for a connection that <see cref="BatchesQuotes"/>).</summary>
    public void AddQuote(QuoteMessage quote)
    {
        lock (_groups)
        {
            _quotes.Add(quote);
        }
    }

    /// <summary>
    /// Queues the quotes kept since the last push as one message (<paramref name="batch"/> makes it from them, in the
    /// order they came), then <paramref name="after"/> if given. Taking and queueing hold one lock, so a message that
    /// must follow the quotes before it (an <c>Inventory</c>, whose seq is the next) is never queued ahead of them.
    /// </summary>
    public void PushQuotes(Func<List<QuoteMessage>, SerializedHubMessage> batch, SerializedHubMessage? after = null)
    {
        lock (_groups)
        {
            if (_quotes.Count > 0)
            {
                var taken = _quotes;
                _quotes = [];
                Post(batch(taken));
            }

            if (after is not null)
            {
                Post(after);
            }
        }
    }

    /// <summary>Queues <paramref name="message"/>; never waits. Disconnects the connection when its queue is full.</summary>
    public void Post(SerializedHubMessage message)
    {
        // TryComplete succeeds only once, so a full queue is reported once and a closed one not at all.
        if (!_queue.Writer.TryWrite(message) && _queue.Writer.TryComplete())
        {
            MonitorMetrics.HubSlowClients.Add(1);
            _logger.LogWarning(
                "Hub connection {ConnectionId} from {RemoteAddress} stopped reading: {Limit} messages wait for it (Monitor:Hub:ClientQueueLimit); disconnected",
                ConnectionId, _connection.GetHttpContext()?.Connection.RemoteIpAddress, _limit);
            _connection.Abort();

            // The hub's abort alone leaves the socket open until the transport's write to it, stuck on the client's full
            // buffers, gives up (SignalR's TransportSendTimeout, 10 s): aborting the HTTP connection closes it now.
            _connection.GetHttpContext()?.Abort();
        }
    }

    /// <summary>Records that the connection is in <paramref name="group"/>; false when it was already, or is closed.</summary>
    public bool TryJoin(string group)
    {
        lock (_groups)
        {
            return !_closed && _groups.Add(group);
        }
    }

    public bool Leave(string group)
    {
        lock (_groups)
        {
            return _groups.Remove(group);
        }
    }

    /// <summary>Stops sending; answers the groups the connection was in. Messages still queued are dropped.</summary>
    public IReadOnlyCollection<string> Close()
    {
        _queue.Writer.TryComplete();
        lock (_groups)
        {
            _closed = true;
            return [.. _groups];
        }
    }

    private async Task SendAllAsync()
    {
        try
        {
            await foreach (var message in _queue.Reader.ReadAllAsync(_connection.ConnectionAborted))
            {
                // Waits while the transport's buffer is full; HubConnectionContext logs its own write errors and aborts.
                await _connection.WriteAsync(message);
            }
        }
        catch (OperationCanceledException)
        {
            // The connection closed.
        }
    }
}
