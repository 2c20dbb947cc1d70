using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Monitor.Core.Ports;
using Monitor.Grains.Telemetry;

using Monitor.Server.Hosting;

namespace Monitor.Server.Webhooks;

/// <summary>
/// Sends the webhook outbox. It runs in every silo: deliveries are leased in the database
/// (<see cref="IWebhookStore.ClaimAsync"/>), so each is sent by one dispatcher at a time, and one killed mid-send
/// leaves a lease that runs out, after which any dispatcher sends the delivery again with the same id. Alert
/// evaluation never waits for it: rules only write the outbox, and this reads it in the background, woken when this
/// process stores deliveries, when a retry falls due, and every poll interval (for other silos' deliveries).
/// <para>Each webhook with due deliveries gets a worker of its own that sends up to
/// <see cref="WebhookOptions.MaxConcurrencyPerWebhook"/> at once, so a slow or dead endpoint delays only itself.</para>
/// </summary>
public sealed class WebhookDispatcher(
    IWebhookStore store, WebhookSender sender, WebhookRetryPolicy policy, WebhookOptions options, TimeProvider clock, ILogger<WebhookDispatcher> logger)
    : BackgroundService
{
    private readonly string _owner = $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid():N}";
    private readonly TimeSpan _poll = options.PollInterval;
    private readonly TimeSpan _lease = options.Lease;
    private readonly Dictionary<string, Task> _workers = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _workerFinished = new(0);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Yield();
        while (!stoppingToken.IsCancellationRequested)
        {
            var wait = _poll;
            try
            {
                foreach (var finished in _workers.Where(worker => worker.Value.IsCompleted).Select(worker => worker.Key).ToList())
                {
                    _workers.Remove(finished);
                }

                var backlog = await store.ListBacklogAsync(policy.FirstAttemptDelay, stoppingToken).ConfigureAwait(false);
                MonitorMetrics.SetWebhookBacklog(backlog.Sum(webhook => (long)webhook.Pending));
                var now = clock.GetUtcNow();
                foreach (var webhook in backlog)
                {
                    if (webhook.NextDueAt > now)
                    {
                        wait = webhook.NextDueAt - now < wait ? webhook.NextDueAt - now : wait;
                    }
                    else if (!_workers.ContainsKey(webhook.WebhookId))
                    {
                        _workers[webhook.WebhookId] = SendAllDueAsync(webhook.WebhookId, stoppingToken);
                    }
                }
            }
            catch (Exception e) when (e is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
            {
                logger.LogError(e, "Reading the webhook outbox failed; trying again in {Wait}", _poll);
            }

            await WaitAsync(wait, stoppingToken).ConfigureAwait(false);
        }

        await Task.WhenAll(_workers.Values).ConfigureAwait(false);
    }

    public override void Dispose()
    {
        _workerFinished.Dispose();
        base.Dispose();
    }

    /// <summary>Until a delivery is stored, a worker finishes (its webhook's next retry is then known), or <paramref name="wait"/>
    /// passes on the dispatcher's clock.</summary>
    private async Task WaitAsync(TimeSpan wait, CancellationToken stoppingToken)
    {
        using var woken = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        var stored = store.WaitForDeliveriesAsync(Timeout.InfiniteTimeSpan, woken.Token);
        var finished = _workerFinished.WaitAsync(woken.Token);
        var due = Task.Delay(wait, clock, woken.Token);
        await Task.WhenAny(stored, finished, due).ConfigureAwait(false);
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

    /// <summary>One webhook's worker: claims and sends batches until none of its deliveries is due.</summary>
    private async Task SendAllDueAsync(string webhookId, CancellationToken stoppingToken)
    {
        await Task.Yield();
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                if (await store.GetAsync(webhookId, stoppingToken).ConfigureAwait(false) is not { Enabled: true } webhook)
                {
                    return;
                }

                var now = clock.GetUtcNow();
                var claimed = await store.ClaimAsync(
                    webhookId, _owner, now, policy.FirstAttemptDelay, now + _lease, options.MaxConcurrencyPerWebhook, stoppingToken).ConfigureAwait(false);
                if (claimed.Count == 0)
                {
                    return;
                }

                var outcomes = await Task.WhenAll(claimed.Select(delivery => AttemptAsync(webhook, delivery, stoppingToken))).ConfigureAwait(false);
                // Recorded even while stopping: these attempts were made.
                await store.RecordAsync(_owner, outcomes, CancellationToken.None).ConfigureAwait(false);
                foreach (var outcome in outcomes.Where(outcome => outcome.DisableWebhook is not null))
                {
                    logger.LogWarning("Webhook {WebhookId} ({Url}) is disabled: {Reason}", webhookId, LoggedUrl.Redact(webhook.Url), outcome.DisableWebhook);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: leases of deliveries not recorded run out, and they are sent again.
        }
        catch (Exception e)
        {
            logger.LogError(e, "Sending deliveries of webhook {WebhookId} failed; its leases run out and they are sent again", webhookId);
        }
        finally
        {
            _workerFinished.Release();
        }
    }

    private async Task<DeliveryOutcome> AttemptAsync(Webhook webhook, ClaimedDelivery delivery, CancellationToken stoppingToken)
    {
        var result = await sender.SendAsync(webhook, delivery, stoppingToken).ConfigureAwait(false);
        var outcome = policy.Decide(delivery, result);
        MonitorMetrics.RecordWebhookAttempt(outcome.State, result.Duration);
        if (result.Error is not null)
        {
            logger.LogInformation(
                "Delivery {DeliveryId} to webhook {WebhookId} failed attempt {Attempt}: {Error}", delivery.Id, webhook.Id, delivery.AttemptCount + 1, result.Error);
        }

        return outcome;
    }
}
