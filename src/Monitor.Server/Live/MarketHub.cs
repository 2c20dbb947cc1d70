using Microsoft.AspNetCore.SignalR;
using Monitor.Core.Market;
using Monitor.Grains.Telemetry;

namespace Monitor.Server.Live;

/// <summary>
/// <c>/hubs/market</c> (docs/api.md, Hub). Clients subscribe to instruments and to alerts; the server sends
/// what <see cref="IMarketClient"/> declares. Pushes are at most once: every message carries a seq per
/// instrument, and a client that sees a gap reloads the snapshot over HTTP. A client that stops reading is
/// disconnected rather than waited for (<see cref="MarketHubLifetimeManager"/>).
/// </summary>
public sealed class MarketHub(InstrumentCatalog catalog) : Hub<IMarketClient>
{
    public const string Path = "/hubs/market";
    public const string AlertsGroup = "alerts";
    private const int MaxIdsPerCall = 1000;

    public static string InstrumentGroup(string instrument) => "instrument:" + instrument;

    public override Task OnConnectedAsync()
    {
        MonitorMetrics.HubClients.Add(1);
        return base.OnConnectedAsync();
    }

    public override Task OnDisconnectedAsync(Exception? exception)
    {
        MonitorMetrics.HubClients.Add(-1);
        return base.OnDisconnectedAsync(exception);
    }

    public async Task SubscribeInstruments(string[] ids)
    {
        foreach (var id in Resolve(ids))
        {
            await Groups.AddToGroupAsync(Context.ConnectionId, InstrumentGroup(id));
        }
    }

    public async Task UnsubscribeInstruments(string[] ids)
    {
        foreach (var id in Resolve(ids))
        {
            await Groups.RemoveFromGroupAsync(Context.ConnectionId, InstrumentGroup(id));
        }
    }

    public Task SubscribeAlerts() => Groups.AddToGroupAsync(Context.ConnectionId, AlertsGroup);

    /// <summary>All ids valid and known, or a HubException naming the ones that are not (nothing subscribed then).</summary>
    private List<string> Resolve(string[]? ids)
    {
        if (ids is null || ids.Length == 0)
        {
            throw new HubException("Give at least one instrument id, such as [\"COMEX:SI\"].");
        }

        if (ids.Length > MaxIdsPerCall)
        {
            throw new HubException($"At most {MaxIdsPerCall} instrument ids per call; got {ids.Length}.");
        }

        var resolved = new List<string>(ids.Length);
        var problems = new List<string>();
        foreach (string? text in ids)
        {
            if (!InstrumentId.TryParse(text, out var id, out string error))
            {
                problems.Add(error);
            }
            else if (!catalog.TryGet(id, out _))
            {
                problems.Add($"unknown instrument '{id}'");
            }
            else
            {
                resolved.Add(id.Value);
            }
        }

        if (problems.Count > 0)
        {
            throw new HubException($"Nothing subscribed: {string.Join("; ", problems.Take(10))}.");
        }

        return resolved;
    }
}
