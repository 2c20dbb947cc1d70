using Microsoft.Extensions.Options;
using Monitor.Core.Ports;
using Monitor.Storage;

namespace Monitor.Server.Hosting;

/// <summary>
/// Runs the tick store's maintenance as the server starts and every hour after: PostgreSQL's day partitions a week
/// ahead of the clock, and <c>Monitor:Storage:TickRetention</c>. Every silo runs it; a pass is idempotent.
/// A failed pass is logged and the next one tries again: appends make any partition they miss themselves.
/// </summary>
internal sealed partial class TickRetentionService(
    ITickRetention retention, IOptions<StorageOptions> options, TimeProvider clock, ILogger<TickRetentionService> logger) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromHours(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, clock);
        do
        {
            await RunOnceAsync(stoppingToken).ConfigureAwait(false);
        }
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
    }

    private async Task RunOnceAsync(CancellationToken stoppingToken)
    {
        try
        {
            var result = await retention.MaintainAsync(clock.GetUtcNow(), options.Value.TickRetention, stoppingToken).ConfigureAwait(false);
            if (result.PartitionsCreated > 0 || result.PartitionsDropped.Count > 0 || result.TicksDeleted > 0)
            {
                LogMaintained(result.PartitionsCreated, string.Join(", ", result.PartitionsDropped), result.TicksDeleted);
            }
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
        {
            LogFailed(exception, Interval);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Tick store maintained: {Created} partition(s) created ahead, dropped [{Dropped}], {Deleted} tick(s) deleted past the retention")]
    private partial void LogMaintained(int created, string dropped, long deleted);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Tick store maintenance failed; trying again in {Interval}")]
    private partial void LogFailed(Exception exception, TimeSpan interval);
}
