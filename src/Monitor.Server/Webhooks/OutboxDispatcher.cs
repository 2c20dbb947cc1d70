using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Monitor.Server.Webhooks;

/// <summary>A destination of an outbox with pending messages: how many, and when the earliest is due.</summary>
public sealed record OutboxBacklog(string Destination, int Pending, DateTimeOffset NextDueAt);

/// <summary>
/// The loop shared by the webhook and notification dispatchers. It runs in every silo: messages are leased in the
/// database, so each is sent by one dispatcher at a time, and one killed mid-send leaves a lease that runs out, after
/// which any dispatcher sends the message again with the same id. Senders of alerts never wait for it: they only write
/// the outbox, and this reads it in the background, woken when this process stores messages, when a worker finishes
/// (its destination's next retry is then known), when a retry falls due, and every poll interval (for other silos'
/// messages). Each destination with due messages gets a worker of its own (<see cref="SendAllDueAsync"/>), so a slow
/// or dead endpoint delays only itself.
/// </summary>
public abstract class OutboxDispatcher(TimeProvider clock, TimeSpan poll, ILogger logger) : BackgroundService
{
    private readonly Dictionary<string, Task> _workers = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _workerFinished = new(0);

    /// <summary>Who holds the leases this dispatcher takes.</summary>
    protected string Owner { get; } = $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid():N}";

    protected TimeProvider Clock => clock;

    /// <summary>While the loop sleeps, the time on its clock it wakes at unless woken earlier; null while it works.
    /// Tests on a fake clock wait for it before moving the clock, so a wake-up is never missed.</summary>
    public DateTimeOffset? SleepingUntil { get; private set; }

    /// <summary>What the outbox holds, for log messages (<c>webhook deliveries</c>).</summary>
    protected abstract string What { get; }

    protected abstract Task<IReadOnlyList<OutboxBacklog>> ReadBacklogAsync(CancellationToken cancellationToken);

    /// <summary>Completes when this process stores or resends messages.</summary>
    protected abstract Task WaitForStoredAsync(CancellationToken cancellationToken);

    /// <summary>One destination's worker: claims and sends batches until none of its messages is due.</summary>
    protected abstract Task SendAllDueAsync(string destination, CancellationToken stoppingToken);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Yield();
        while (!stoppingToken.IsCancellationRequested)
        {
            var wait = poll;
            try
            {
                foreach (var finished in _workers.Where(worker => worker.Value.IsCompleted).Select(worker => worker.Key).ToList())
                {
                    _workers.Remove(finished);
                }

                var backlog = await ReadBacklogAsync(stoppingToken).ConfigureAwait(false);
                var now = clock.GetUtcNow();
                foreach (var destination in backlog)
                {
                    if (destination.NextDueAt > now)
                    {
                        wait = destination.NextDueAt - now < wait ? destination.NextDueAt - now : wait;
                    }
                    else if (!_workers.ContainsKey(destination.Destination))
                    {
                        _workers[destination.Destination] = RunWorkerAsync(destination.Destination, stoppingToken);
                    }
                }
            }
            catch (Exception e) when (e is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
            {
                logger.LogError(e, "Reading the {What} outbox failed; trying again in {Wait}", What, poll);
            }

            await WaitAsync(wait, stoppingToken).ConfigureAwait(false);
        }

        await Task.WhenAll(_workers.Values).ConfigureAwait(false);
    }

    public override void Dispose()
    {
        _workerFinished.Dispose();
        base.Dispose();
        GC.SuppressFinalize(this);
    }

    /// <summary>Until messages are stored, a worker finishes, or <paramref name="wait"/> passes on the dispatcher's clock.</summary>
    private async Task WaitAsync(TimeSpan wait, CancellationToken stoppingToken)
    {
        using var woken = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        var stored = WaitForStoredAsync(woken.Token);
        var finished = _workerFinished.WaitAsync(woken.Token);
        var due = Task.Delay(wait, clock, woken.Token);
        SleepingUntil = clock.GetUtcNow() + wait;
        await Task.WhenAny(stored, finished, due).ConfigureAwait(false);
        SleepingUntil = null;
        await woken.CancelAsync().ConfigureAwait(false);
        try
        {
            await Task.WhenAll(stored, finished, due).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // The other waits, cancelled once one had ended; or the host stopping, which the loop sees.
        }
    }

    private async Task RunWorkerAsync(string destination, CancellationToken stoppingToken)
    {
        await Task.Yield();
        try
        {
            await SendAllDueAsync(destination, stoppingToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: leases of messages not recorded run out, and they are sent again.
        }
        catch (Exception e)
        {
            logger.LogError(e, "Sending {What} to {Destination} failed; their leases run out and they are sent again", What, destination);
        }
        finally
        {
            _workerFinished.Release();
        }
    }
}
