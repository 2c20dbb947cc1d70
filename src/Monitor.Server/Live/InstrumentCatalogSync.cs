using Monitor.Core.Market;
using Monitor.Grains;

namespace Monitor.Server.Live;

/// <summary>Keeps this silo's instrument catalog in step with the registry, so an instrument added on another silo is known here within seconds.</summary>
internal sealed class InstrumentCatalogSync(IGrainFactory grains, InstrumentCatalog catalog, ILogger<InstrumentCatalogSync> logger) : BackgroundService
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(5);

    /// <summary>Reads the registry once before the server takes requests: a restarted silo must not refuse ticks of an added instrument.</summary>
    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        await SyncAsync();
        await base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            await SyncAsync();
        }
    }

    private async Task SyncAsync()
    {
        try
        {
            await InstrumentRegistry.RefreshAsync(grains, catalog);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogWarning(e, "Reading the instrument registry failed; retrying");
        }
    }
}
