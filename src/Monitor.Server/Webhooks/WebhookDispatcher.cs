using Microsoft.Extensions.Logging;
using Monitor.Core.Webhooks;
using Monitor.Grains.Telemetry;

using Monitor.Server.Hosting;

namespace Monitor.Server.Webhooks;

/// <summary>
/// Sends the webhook outbox (<see cref="OutboxDispatcher"/>): deliveries are leased with
/// <see cref="IWebhookStore.ClaimAsync"/>, and each webhook with due deliveries gets a worker that sends up to
/// <see cref="WebhookOptions.MaxConcurrencyPerWebhook"/> at once.
/// </summary>
public sealed class WebhookDispatcher(
    IWebhookStore store, WebhookSender sender, WebhookRetryPolicy policy, WebhookOptions options, TimeProvider clock, ILogger<WebhookDispatcher> logger)
    : OutboxDispatcher(clock, options.PollInterval, logger)
{
    private readonly TimeSpan _lease = options.Lease;

    protected override string What => "webhook deliveries";

    protected override async Task<IReadOnlyList<OutboxBacklog>> ReadBacklogAsync(CancellationToken cancellationToken)
    {
        var backlog = await store.ListBacklogAsync(policy.FirstAttemptDelay, cancellationToken).ConfigureAwait(false);
        MonitorMetrics.SetWebhookBacklog(backlog.Sum(webhook => (long)webhook.Pending));
        return [.. backlog.Select(webhook => new OutboxBacklog(webhook.WebhookId, webhook.Pending, webhook.NextDueAt))];
    }

    protected override Task WaitForStoredAsync(CancellationToken cancellationToken) =>
        store.WaitForDeliveriesAsync(Timeout.InfiniteTimeSpan, cancellationToken);

    protected override async Task SendAllDueAsync(string destination, CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            if (await store.GetAsync(destination, stoppingToken).ConfigureAwait(false) is not { Enabled: true } webhook)
            {
                return;
            }

            var now = Clock.GetUtcNow();
            var claimed = await store.ClaimAsync(
                destination, Owner, now, policy.FirstAttemptDelay, now + _lease, options.MaxConcurrencyPerWebhook, stoppingToken).ConfigureAwait(false);
            if (claimed.Count == 0)
            {
                return;
            }

            var outcomes = await Task.WhenAll(claimed.Select(delivery => AttemptAsync(webhook, delivery, stoppingToken))).ConfigureAwait(false);
            // Recorded even while stopping: these attempts were made.
            await store.RecordAsync(Owner, outcomes, CancellationToken.None).ConfigureAwait(false);
            foreach (var outcome in outcomes.Where(outcome => outcome.DisableWebhook is not null))
            {
                logger.LogWarning("Webhook {WebhookId} ({Url}) is disabled: {Reason}", destination, LoggedUrl.Redact(webhook.Url), outcome.DisableWebhook);
            }
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
