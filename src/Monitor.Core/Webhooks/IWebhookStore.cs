using Monitor.Core.Ports;

namespace Monitor.Core.Webhooks;

/// <summary>
/// Webhook subscriptions and their delivery outbox (docs/api.md, Webhooks). Deliveries are added by
/// <see cref="IAlertStore.AppendTransitionsAsync"/> in the transaction that stores the alert: one per new, not
/// silenced transition and matching enabled webhook. Dispatchers (one or more per cluster) take them with a lease
/// (<see cref="ClaimAsync"/>), so a delivery is sent by one dispatcher at a time, and a lease left by a dead process
/// expires and lets another send it again, with the same id.
/// </summary>
public interface IWebhookStore
{
    /// <summary>Stores a new, enabled webhook under a new id, as of <paramref name="at"/>.</summary>
    Task<Webhook> CreateAsync(WebhookRequest request, DateTimeOffset at, CancellationToken cancellationToken = default);

    Task<Webhook?> GetAsync(string id, CancellationToken cancellationToken = default);

    /// <summary>Every webhook, oldest first.</summary>
    Task<IReadOnlyList<Webhook>> ListAsync(CancellationToken cancellationToken = default);

    /// <summary>Applies <paramref name="change"/>; null if there is no such webhook.</summary>
    Task<Webhook?> UpdateAsync(string id, WebhookChange change, DateTimeOffset at, CancellationToken cancellationToken = default);

    /// <summary>Replaces the secret; the old one keeps signing until <paramref name="previousExpiresAt"/>. Null if unknown.</summary>
    Task<Webhook?> RotateSecretAsync(string id, string secret, DateTimeOffset previousExpiresAt, DateTimeOffset at, CancellationToken cancellationToken = default);

    /// <summary>Deletes the webhook and its deliveries; false if there was none.</summary>
    Task<bool> DeleteAsync(string id, CancellationToken cancellationToken = default);

    /// <summary>The webhook's deliveries, newest first (by creation, then id), with their attempts.</summary>
    Task<IReadOnlyList<StoredDelivery>> ListDeliveriesAsync(string webhookId, DeliveryState? state, int limit, CancellationToken cancellationToken = default);

    Task<StoredDelivery?> GetDeliveryAsync(string webhookId, string deliveryId, CancellationToken cancellationToken = default);

    /// <summary>Sends the delivery again, whatever its state: pending, due at <paramref name="at"/>, on a new run of the
    /// schedule, same id. Null if unknown.</summary>
    Task<StoredDelivery?> RedeliverAsync(string webhookId, string deliveryId, DateTimeOffset at, CancellationToken cancellationToken = default);

    /// <summary>Redelivers every failed delivery of the webhook created in [<paramref name="from"/>, <paramref name="to"/>); returns how many.</summary>
    Task<int> RedeliverFailedAsync(string webhookId, DateTimeOffset from, DateTimeOffset to, DateTimeOffset at, CancellationToken cancellationToken = default);

    /// <summary>
    /// Enabled webhooks with pending deliveries. A delivery is due at its next attempt time (plus
    /// <paramref name="firstAttemptDelay"/> before its first attempt) or when its lease ends, whichever is later.
    /// </summary>
    Task<IReadOnlyList<WebhookBacklog>> ListBacklogAsync(TimeSpan firstAttemptDelay, CancellationToken cancellationToken = default);

    /// <summary>
    /// Leases up to <paramref name="max"/> of the webhook's deliveries that are due at <paramref name="now"/> to
    /// <paramref name="owner"/> until <paramref name="leaseUntil"/>, earliest due first. Concurrent callers never get
    /// the same delivery while its lease lasts.
    /// </summary>
    Task<IReadOnlyList<ClaimedDelivery>> ClaimAsync(
        string webhookId, string owner, DateTimeOffset now, TimeSpan firstAttemptDelay, DateTimeOffset leaseUntil, int max, CancellationToken cancellationToken = default);

    /// <summary>
    /// Records attempts of deliveries leased by <paramref name="owner"/> in one transaction: each attempt is kept;
    /// the delivery's state changes only while it is still pending and leased by <paramref name="owner"/>; a webhook
    /// to disable is disabled with the reason given, if enabled.
    /// </summary>
    Task RecordAsync(string owner, IReadOnlyList<DeliveryOutcome> outcomes, CancellationToken cancellationToken = default);

    /// <summary>Completes when a delivery is added or redelivered in this process, or after <paramref name="timeout"/>.</summary>
    Task WaitForDeliveriesAsync(TimeSpan timeout, CancellationToken cancellationToken = default);
}
