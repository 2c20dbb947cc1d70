using Microsoft.Extensions.Options;

namespace Monitor.Server.Live;

/// <summary>Every <see cref="MarketHubOptions.PushInterval"/>, sends the connections that take quote batches what came for them, and the throttled quotes that are due.</summary>
internal sealed class QuotePushService(MarketHubLifetimeManager connections, IOptions<MarketHubOptions> options, TimeProvider clock) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.PushInterval, clock);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                connections.Push();
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }
}
