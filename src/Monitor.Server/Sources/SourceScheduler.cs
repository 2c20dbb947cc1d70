using Monitor.Core.Ports;
using Monitor.Storage;

namespace Monitor.Server.Sources;

/// <summary>
/// One per silo: takes the sources that are due (a fetch on their schedule, a retry, or the moment their newest report
/// becomes late) with a lease in the database, so each is handled by one silo at a time across the cluster, and hands
/// them to the <see cref="SourceRunner"/>. It sleeps until the earliest source is due, at most the poll interval (for
/// sources another silo changed); a change through this silo's API wakes it at once. All waiting is on the injected clock.
/// </summary>
public sealed class SourceScheduler(ISourceStore sources, SourceRunner runner, SourceOptions options, TimeProvider clock, ILogger<SourceScheduler> logger)
    : BackgroundService
{
    private const int BatchSize = 8;
    private readonly Lock _lock = new();
    private TaskCompletionSource _wake = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>This silo's name in leases.</summary>
    public string Owner { get; } = $"{Environment.MachineName}/{Environment.ProcessId}/{Guid.NewGuid():N}";

    /// <summary>Looks at the sources again now (one was added, changed or resumed).</summary>
    public void Wake()
    {
        lock (_lock)
        {
            _wake.TrySetResult();
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            Task woken;
            lock (_lock)
            {
                if (_wake.Task.IsCompleted)
                {
                    _wake = new(TaskCreationOptions.RunContinuationsAsynchronously);
                }

                woken = _wake.Task;
            }

            var delay = options.ParsedPollInterval;
            try
            {
                await RunDueAsync(stoppingToken).ConfigureAwait(false);
                if (await sources.NextDueAtAsync(stoppingToken).ConfigureAwait(false) is { } due)
                {
                    var untilDue = due - clock.GetUtcNow();
                    delay = untilDue < TimeSpan.Zero ? TimeSpan.Zero : untilDue < delay ? untilDue : delay;
                }
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                logger.LogError(e, "Source scheduler: looking for due sources failed; trying again in {Delay}", delay);
            }

            if (delay > TimeSpan.Zero)
            {
                await Task.WhenAny(Task.Delay(delay, clock, stoppingToken), woken).ConfigureAwait(false);
            }
        }
    }

    private async Task RunDueAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var now = clock.GetUtcNow();
            var due = await sources.ClaimDueAsync(Owner, now, now + options.Lease, BatchSize, cancellationToken).ConfigureAwait(false);
            if (due.Count == 0)
            {
                return;
            }

            await Task.WhenAll(due.Select(source => runner.RunAsync(source, Owner, fetchNow: false, cancellationToken))).ConfigureAwait(false);
        }
    }
}
