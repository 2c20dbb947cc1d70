using Microsoft.AspNetCore.SignalR;
using Monitor.Grains;
using Monitor.Grains.Alerts;

namespace Monitor.Server.Live;

/// <summary>This silo's relay: hands updates from grains to the SignalR clients connected here. Sends only queue (see <see cref="MarketHubLifetimeManager"/>), so no client holds the relay up.</summary>
internal sealed class HubRelay(IHubContext<MarketHub, IMarketClient> hub, MarketHubLifetimeManager connections) : IMarketRelay
{
    /// <summary>Sends the alert, as stored, to every client subscribed to alerts.</summary>
    public Task OnAlertAsync(AlertMessage alert) =>
        hub.Clients.Group(MarketHub.AlertsGroup).Alert(alert);

    public Task OnQuotesAsync(QuoteBatch batch)
    {
        foreach (var quote in batch.Quotes)
        {
            connections.PublishQuote(quote);
        }

        return Task.CompletedTask;
    }

    public Task OnInventoryAsync(InventoryMessage inventory)
    {
        connections.PublishInventory(inventory);
        return Task.CompletedTask;
    }
}

/// <summary>
/// Registers this silo's relay with the relay directory and renews it every few seconds, so a silo that dies
/// drops out. It registers again at once when membership changes: a directory grain that lived on a silo
/// that died starts empty on another, and until the silos are back in it no grain can push to their clients.
/// </summary>
internal sealed class MarketRelayService(
    IGrainFactory grains,
    IClusterMembershipService membership,
    IHubContext<MarketHub, IMarketClient> hub,
    MarketHubLifetimeManager connections,
    ILogger<MarketRelayService> logger)
    : BackgroundService
{
    private static readonly TimeSpan Renewal = TimeSpan.FromSeconds(3);

    /// <summary>After a failed registration (the directory is moving to another silo), try again this soon.</summary>
    private static readonly TimeSpan RetryAfterFailure = TimeSpan.FromMilliseconds(250);

    // Orleans holds observer targets weakly: this field keeps the relay alive as long as the service.
    private readonly HubRelay _target = new(hub, connections);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        IMarketRelay? relay = null;
        var directory = grains.GetGrain<IRelayDirectoryGrain>(0);
        using var membershipChanged = new SemaphoreSlim(0);
        var watching = WatchMembershipAsync(membershipChanged, stoppingToken);
        try
        {
            while (true)
            {
                var wait = Renewal;
                try
                {
                    // Created on the first pass that succeeds: the silo may still be starting.
                    relay ??= grains.CreateObjectReference<IMarketRelay>(_target);
                    await directory.RegisterAsync(relay);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    logger.LogWarning(e, "Registering this silo's hub relay failed; retrying");
                    wait = RetryAfterFailure;
                }

                await membershipChanged.WaitAsync(wait, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }

        await watching;

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

    private async Task WatchMembershipAsync(SemaphoreSlim changed, CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var _ in membership.MembershipUpdates.WithCancellation(stoppingToken))
            {
                if (changed.CurrentCount == 0)
                {
                    changed.Release();
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }
}
