using System.Collections.Concurrent;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Protocol;
using Microsoft.Extensions.Options;

namespace Monitor.Server.Live;

/// <summary>
/// SignalR's in-memory lifetime manager, except that a send never waits on a connection. SignalR's own group send
/// awaits every member's write, and a write waits while that client's buffer is full, so one client that stops
/// reading would hold up every message to everyone (the relay sends them one after another). Here a message is
/// serialized once, per protocol, and posted to each recipient's <see cref="ClientOutbox"/>; connections and groups
/// are kept here rather than in the base class. The base class still tracks connections for client results.
/// </summary>
internal sealed class MarketHubLifetimeManager(
    ILogger<DefaultHubLifetimeManager<MarketHub>> logger, IOptions<MarketHubOptions> options, ILogger<ClientOutbox> outboxLogger)
    : DefaultHubLifetimeManager<MarketHub>(logger)
{
    private readonly ConcurrentDictionary<string, ClientOutbox> _clients = new(StringComparer.Ordinal);

    // Groups stay once created, even empty: they are instruments and "alerts", a set that barely grows.
    private readonly ConcurrentDictionary<string, ConcurrentDictionary<string, ClientOutbox>> _groups = new(StringComparer.Ordinal);

    public override async Task OnConnectedAsync(HubConnectionContext connection)
    {
        await base.OnConnectedAsync(connection);
        _clients[connection.ConnectionId] = new ClientOutbox(connection, options.Value.ClientQueueLimit, outboxLogger);
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
