using System.Collections.Concurrent;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Protocol;
using Microsoft.Extensions.Options;
using Monitor.Grains;

namespace Monitor.Server.Live;

/// <summary>
/// SignalR's in-memory lifetime manager, except that a send never waits on a connection. SignalR's own group send
/// awaits every member's write, and a write waits while that client's buffer is full, so one client that stops
/// reading would hold up every message to everyone (the relay sends them one after another). Here a message is
/// serialized once, per protocol, and posted to each recipient's <see cref="ClientOutbox"/>; connections and groups
/// are kept here rather than in the base class. The base class still tracks connections for client results.
/// </summary>
/// <remarks>
/// Quotes (<see cref="PublishQuote"/>): a connection opened with <c>?quotes=batched</c> collects its instruments' quotes
/// and is sent them as one <c>Quotes</c> message per push (<see cref="PushQuoteBatches"/>, every
/// <see cref="MarketHubOptions.PushInterval"/>); connections that get the same quotes share one serialized message.
/// Other connections get <c>Quote</c> messages, at most one per instrument every <see cref="QuoteThrottle.Interval"/>
/// (the latest state), each serialized once for all of them.
/// </remarks>
internal sealed class MarketHubLifetimeManager(
    ILogger<DefaultHubLifetimeManager<MarketHub>> logger, IOptions<MarketHubOptions> options, ILogger<ClientOutbox> outboxLogger, TimeProvider clock)
    : DefaultHubLifetimeManager<MarketHub>(logger)
{
    /// <summary>The query parameter, and its value, with which a connection asks for quote batches.</summary>
    public const string QuotesParameter = "quotes";
    public const string BatchedQuotes = "batched";

    private readonly ConcurrentDictionary<string, ClientOutbox> _clients = new(StringComparer.Ordinal);

    // Groups stay once created, even empty: they are instruments and "alerts", a set that barely grows.
    private readonly ConcurrentDictionary<string, ConcurrentDictionary<string, ClientOutbox>> _groups = new(StringComparer.Ordinal);

    // Per instrument, for the connections that take quotes one by one; like groups, kept once created.
    private readonly ConcurrentDictionary<string, QuoteThrottle> _throttles = new(StringComparer.Ordinal);

    // Instruments whose throttle may hold a quote, for the next push to look at.
    private readonly ConcurrentDictionary<string, QuoteThrottle> _waiting = new(StringComparer.Ordinal);

    public override async Task OnConnectedAsync(HubConnectionContext connection)
    {
        await base.OnConnectedAsync(connection);
        bool batched = string.Equals(connection.GetHttpContext()?.Request.Query[QuotesParameter].ToString(), BatchedQuotes, StringComparison.Ordinal);
        _clients[connection.ConnectionId] = new ClientOutbox(connection, options.Value.ClientQueueLimit, batched, outboxLogger);
    }

    public override Task OnDisconnectedAsync(HubConnectionContext connection)
    {
        if (_clients.TryRemove(connection.ConnectionId, out var client))
        {
            foreach (string group in client.Close())
            {
                Members(group).TryRemove(connection.ConnectionId, out _);
            }
        }

        return base.OnDisconnectedAsync(connection);
    }

    public override Task AddToGroupAsync(string connectionId, string groupName, CancellationToken cancellationToken = default)
    {
        // TryJoin refuses a closed connection, so none is left behind in a group once it has gone.
        if (_clients.TryGetValue(connectionId, out var client) && client.TryJoin(groupName))
        {
            Members(groupName)[connectionId] = client;
        }

        return Task.CompletedTask;
    }

    public override Task RemoveFromGroupAsync(string connectionId, string groupName, CancellationToken cancellationToken = default)
    {
        if (_clients.TryGetValue(connectionId, out var client) && client.Leave(groupName))
        {
            Members(groupName).TryRemove(connectionId, out _);
        }

        return Task.CompletedTask;
    }

    public override Task SendAllAsync(string methodName, object?[] args, CancellationToken cancellationToken = default) =>
        Post(_clients.Values, methodName, args);

    public override Task SendAllExceptAsync(string methodName, object?[] args, IReadOnlyList<string> excludedConnectionIds, CancellationToken cancellationToken = default) =>
        Post(_clients.Values.Where(c => !excludedConnectionIds.Contains(c.ConnectionId)), methodName, args);

    public override Task SendConnectionAsync(string connectionId, string methodName, object?[] args, CancellationToken cancellationToken = default) =>
        SendConnectionsAsync([connectionId], methodName, args, cancellationToken);

    public override Task SendConnectionsAsync(IReadOnlyList<string> connectionIds, string methodName, object?[] args, CancellationToken cancellationToken = default) =>
        Post(connectionIds.Select(id => _clients.GetValueOrDefault(id)).OfType<ClientOutbox>(), methodName, args);

    public override Task SendGroupAsync(string groupName, string methodName, object?[] args, CancellationToken cancellationToken = default) =>
        Post(Members(groupName).Values, methodName, args);

    public override Task SendGroupsAsync(IReadOnlyList<string> groupNames, string methodName, object?[] args, CancellationToken cancellationToken = default) =>
        Post(groupNames.SelectMany(g => Members(g).Values).Distinct(), methodName, args);

    public override Task SendGroupExceptAsync(string groupName, string methodName, object?[] args, IReadOnlyList<string> excludedConnectionIds, CancellationToken cancellationToken = default) =>
        Post(Members(groupName).Values.Where(c => !excludedConnectionIds.Contains(c.ConnectionId)), methodName, args);

    public override Task SendUserAsync(string userId, string methodName, object?[] args, CancellationToken cancellationToken = default) =>
        SendUsersAsync([userId], methodName, args, cancellationToken);

    public override Task SendUsersAsync(IReadOnlyList<string> userIds, string methodName, object?[] args, CancellationToken cancellationToken = default) =>
        Post(_clients.Values.Where(c => c.UserIdentifier is { } user && userIds.Contains(user)), methodName, args);

    /// <summary>Hands a quote to its instrument's subscribers: kept for the next push, or, throttled, queued as a <c>Quote</c> message.</summary>
    public void PublishQuote(QuoteMessage quote)
    {
        var members = Members(MarketHub.InstrumentGroup(quote.Instrument));
        bool anyOneByOne = false;
        foreach (var client in members.Values)
        {
            if (client.BatchesQuotes)
            {
                client.AddQuote(quote);
            }
            else
            {
                anyOneByOne = true;
            }
        }

        if (anyOneByOne)
        {
            var throttle = _throttles.GetOrAdd(quote.Instrument, _ => new QuoteThrottle(clock));
            if (throttle.Offer(quote) is { } now)
            {
                PostOneByOne(members, now);
            }
            else
            {
                _waiting[quote.Instrument] = throttle;
            }
        }
    }

    /// <summary>
    /// Sends an <c>Inventory</c> message to the instrument's subscribers after the quotes that came before it: the
    /// throttled quote waiting, and each batching connection's quotes not pushed yet (its seq follows theirs, so a
    /// client that got it first would see a gap).
    /// </summary>
    public void PublishInventory(InventoryMessage inventory)
    {
        var members = Members(MarketHub.InstrumentGroup(inventory.Instrument));
        if (_throttles.TryGetValue(inventory.Instrument, out var throttle) && throttle.BeforeInventory(inventory.Seq) is { } waiting)
        {
            PostOneByOne(members, waiting);
        }

        var message = new SerializedHubMessage(new InvocationMessage(nameof(IMarketClient.Inventory), [inventory]));
        var batches = new QuoteBatches();
        foreach (var client in members.Values)
        {
            if (client.BatchesQuotes)
            {
                client.PushQuotes(batches.Serialize, after: message);
            }
            else
            {
                client.Post(message);
            }
        }
    }

    /// <summary>One push: the quote batches, and the throttled quotes whose interval has ended.</summary>
    public void Push()
    {
        PushQuoteBatches();
        foreach (var (instrument, throttle) in _waiting)
        {
            // Removed first: a quote held meanwhile puts the instrument back.
            _waiting.TryRemove(instrument, out _);
            if (throttle.TakeDue() is { } due)
            {
                PostOneByOne(Members(MarketHub.InstrumentGroup(instrument)), due);
            }
            else if (throttle.IsWaiting)
            {
                _waiting[instrument] = throttle;
            }
        }
    }

    /// <summary>Sends each batching connection the quotes kept for it, as one <c>Quotes</c> message.</summary>
    private void PushQuoteBatches()
    {
        var batches = new QuoteBatches();
        foreach (var client in _clients.Values)
        {
            if (client.BatchesQuotes)
            {
                client.PushQuotes(batches.Serialize);
            }
        }
    }

    /// <summary>Queues the quote, serialized once, for the members that take quotes one by one.</summary>
    private static void PostOneByOne(ConcurrentDictionary<string, ClientOutbox> members, QuoteMessage quote) =>
        Post(members.Values.Where(client => !client.BatchesQuotes), nameof(IMarketClient.Quote), [quote]);

    private ConcurrentDictionary<string, ClientOutbox> Members(string group) =>
        _groups.GetOrAdd(group, _ => new ConcurrentDictionary<string, ClientOutbox>(StringComparer.Ordinal));

    /// <summary>Queues the message for each recipient; it is serialized once per protocol, by the first connection that writes it.</summary>
    private static Task Post(IEnumerable<ClientOutbox> recipients, string methodName, object?[] args)
    {
        SerializedHubMessage? message = null;
        foreach (var client in recipients)
        {
            message ??= new SerializedHubMessage(new InvocationMessage(methodName, args));
            client.Post(message);
        }

        return Task.CompletedTask;
    }
}

/// <summary>
/// The <c>Quotes</c> messages of one push. Connections subscribed alike get the same quotes in the same order: one
/// serialized message serves them all.
/// </summary>
internal sealed class QuoteBatches
{
    private readonly Dictionary<List<QuoteMessage>, SerializedHubMessage> _shared = new(SameQuotes.Instance);

    public SerializedHubMessage Serialize(List<QuoteMessage> quotes)
    {
        if (!_shared.TryGetValue(quotes, out var message))
        {
            _shared[quotes] = message = new SerializedHubMessage(new InvocationMessage(nameof(IMarketClient.Quotes), [quotes]));
        }

        return message;
    }
}

/// <summary>Lists of quotes equal when they hold the same quote objects in the same order.</summary>
internal sealed class SameQuotes : IEqualityComparer<List<QuoteMessage>>
{
    public static SameQuotes Instance { get; } = new();

    public bool Equals(List<QuoteMessage>? x, List<QuoteMessage>? y)
    {
        if (ReferenceEquals(x, y))
        {
            return true;
        }

        if (x is null || y is null || x.Count != y.Count)
        {
            return false;
        }

        // Compared for every connection on every push: a plain loop, no enumerator or tuple per pair.
        for (int i = 0; i < x.Count; i++)
        {
            if (!ReferenceEquals(x[i], y[i]))
            {
                return false;
            }
        }

        return true;
    }

    public int GetHashCode(List<QuoteMessage> quotes)
    {
        var hash = new HashCode();
        foreach (var quote in quotes)
        {
            hash.Add(System.Runtime.CompilerServices.RuntimeHelpers.GetHashCode(quote));
        }

        return hash.ToHashCode();
    }
}
