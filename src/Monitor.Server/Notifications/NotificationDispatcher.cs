using Microsoft.Extensions.Logging;
using Monitor.Core.Notifications;
using Monitor.Core.Ports;
using Monitor.Core.Rules;
using Monitor.Server.Webhooks;

namespace Monitor.Server.Notifications;

/// <summary>
/// Sends the notification outbox (<see cref="OutboxDispatcher"/>): each receiver with due notifications gets a worker
/// that claims them with a lease and sends up to <see cref="WebhookOptions.MaxConcurrencyPerWebhook"/> at once through
/// the sender of the receiver's kind, with the receiver's settings as the policy in force has them now. Attempts follow
/// the webhooks' retry schedule, timeout and address guard (<c>Monitor:Webhooks</c>). A receiver gone from the policy,
/// or now of another kind, fails its notifications at once, saying so.
/// </summary>
public sealed class NotificationDispatcher(
    INotificationStore store,
    IPolicyInForce policies,
    IEnumerable<INotificationSender> senders,
    WebhookRetryPolicy retries,
    WebhookOptions options,
    TimeProvider clock,
    ILogger<NotificationDispatcher> logger)
    : OutboxDispatcher(clock, options.PollInterval, logger)
{
    private readonly Dictionary<string, INotificationSender> _senders = senders.ToDictionary(s => s.Kind, StringComparer.Ordinal);

    protected override string What => "notifications";

    protected override async Task<IReadOnlyList<OutboxBacklog>> ReadBacklogAsync(CancellationToken cancellationToken) =>
        [.. (await store.ListBacklogAsync(cancellationToken).ConfigureAwait(false)).Select(b => new OutboxBacklog(b.Receiver, b.Pending, b.NextDueAt))];

    protected override Task WaitForStoredAsync(CancellationToken cancellationToken) =>
        store.WaitForNotificationsAsync(Timeout.InfiniteTimeSpan, cancellationToken);

    protected override async Task SendAllDueAsync(string destination, CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            var receiver = (await policies.GetAsync(stoppingToken).ConfigureAwait(false))?.FindReceiver(destination);
            var now = Clock.GetUtcNow();
            var claimed = await store.ClaimAsync(destination, Owner, now, now + options.Lease, options.MaxConcurrencyPerWebhook, stoppingToken).ConfigureAwait(false);
            if (claimed.Count == 0)
            {
                return;
            }

            var settings = Settings(receiver, out string? unusable);
            var outcomes = await Task.WhenAll(claimed.Select(n => AttemptAsync(n, receiver, settings, unusable, stoppingToken))).ConfigureAwait(false);
            // Recorded even while stopping: these attempts were made.
            await store.RecordAsync(Owner, outcomes, CancellationToken.None).ConfigureAwait(false);
        }
    }

    private static ReceiverSettings? Settings(ReceiverDefinition? receiver, out string? unusable)
    {
        unusable = null;
        if (receiver is not { Kind: { } kind })
        {
            return null;
        }

        var problems = new List<PolicyProblem>();
        var settings = ReceiverSettingsReader.Read(kind, receiver.Settings, kind, problems);
        unusable = settings is null ? string.Join("; ", problems.Select(p => $"{p.Path}: {p.Message}")) : null;
        return settings;
    }

    private async Task<NotificationOutcome> AttemptAsync(
        ClaimedNotification notification, ReceiverDefinition? receiver, ReceiverSettings? settings, string? unusable, CancellationToken stoppingToken)
    {
        string? refusal = receiver switch
        {
            null => $"receiver {notification.Receiver} is not in the policy in force",
            { Kind: null } => $"receiver {notification.Receiver} now sends nowhere (it has no kind)",
            { Kind: var kind } when kind != notification.Kind =>
                $"receiver {notification.Receiver} is now a {kind} receiver; this notification was made for {notification.Kind}",
            _ when settings is null => $"receiver {notification.Receiver}'s settings do not read: {unusable}",
            _ => null,
        };
        var result = refusal is not null || !_senders.TryGetValue(notification.Kind, out var sender)
            ? new AttemptResult(Clock.GetUtcNow(), null, TimeSpan.Zero, refusal ?? $"no sender for {notification.Kind} receivers", null, Permanent: true)
            : await sender.SendAsync(settings!, notification, stoppingToken).ConfigureAwait(false);
        var decision = retries.Decide(notification.Id, notification.AttemptCount, result);
        if (result.Error is not null)
        {
            logger.LogInformation(
                "Notification {NotificationId} to receiver {Receiver} failed attempt {Attempt} ({State}): {Error}",
                notification.Id, notification.Receiver, notification.AttemptCount + 1, decision.State.ToText(), result.Error);
        }

        return new NotificationOutcome(notification, decision.Attempt, decision.State, decision.NextAttemptAt);
    }
}
