using Microsoft.AspNetCore.SignalR;
using Monitor.Grains;
using Monitor.Server.Api;
using Monitor.Storage;

namespace Monitor.Server.Live;

/// <summary>This silo's relay: hands updates from grains to the SignalR clients connected here.</summary>
internal sealed class HubRelay(IHubContext<MarketHub> hub, IAlertStore alerts) : IMarketRelay
{
    /// <summary>Sends the alert as stored (with its acknowledgement and silence) to every client subscribed to alerts.</summary>
    public async Task OnAlertAsync(AlertNotice notice)
    {
        if (await alerts.GetAsync(notice.AlertId) is { } alert)
        {
            await hub.Clients.Group(MarketHub.AlertsGroup).SendAsync("Alert", new AlertPush(notice.Transition, AlertsApi.AlertView.From(alert, withTransitions: false)));
        }
    }

    public Task OnQuoteAsync(QuoteMessage quote) =>
        hub.Clients.Group(MarketHub.InstrumentGroup(quote.Instrument)).SendAsync("Quote", quote);

    public Task OnInventoryAsync(InventoryMessage inventory) =>
        hub.Clients.Group(MarketHub.InstrumentGroup(inventory.Instrument)).SendAsync("Inventory", inventory);
}

/// <summary>
/// Registers this silo's relay with the relay directory and renews it every few seconds, so a silo that dies
/// drops out and a directory grain that moves to another silo is refilled quickly.
/// </summary>
/// <summary>The hub's <c>Alert</c> message (CONTRACT.md section 6).</summary>
public sealed record AlertPush(string Transition, AlertsApi.AlertView Alert);

internal sealed class MarketRelayService(IGrainFactory grains, IHubContext<MarketHub> hub, IAlertStore alerts, ILogger<MarketRelayService> logger) : BackgroundService
{
    private static readonly TimeSpan Renewal = TimeSpan.FromSeconds(3);

    // Orleans holds observer targets weakly: this field keeps the relay alive as long as the service.
    private readonly HubRelay _target = new(hub, alerts);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        IMarketRelay? relay = null;
        var directory = grains.GetGrain<IRelayDirectoryGrain>(0);
        using var timer = new PeriodicTimer(Renewal);
        try
        {
            do
            {
                try
                {
                    // Created on the first pass that succeeds: the silo may still be starting.
                    relay ??= grains.CreateObjectReference<IMarketRelay>(_target);
                    await directory.RegisterAsync(relay);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    logger.LogWarning(e, "Registering this silo's hub relay failed; retrying");
                }
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }

        if (relay is null)
        {
            return;
        }

        try
        {
            await directory.UnregisterAsync(relay);
        }
        catch (Exception e)
        {
            logger.LogInformation(e, "Unregistering the hub relay on shutdown failed");
        }

        grains.DeleteObjectReference<IMarketRelay>(relay);
    }
}
