using Monitor.Core.Webhooks;
using System.Data.Common;

namespace Monitor.Storage;

/// <summary>The columns both providers read and write, in this order.</summary>
internal static class WebhookColumns
{
    public const string Webhook =
        "id, url, description, filter, secret, previous_secret, previous_secret_expires_at, enabled, disabled_reason, disabled_at, created_at, updated_at";

    public const string Delivery = "id, webhook_id, event, alert_id, payload, state, created_at, next_attempt_at, attempt_count";

    /// <summary>The columns a claim returns, which <see cref="ReadClaimed"/> reads.</summary>
    public const string Claimed = "id, webhook_id, event, alert_id, payload, attempt_count";

    public static ClaimedDelivery ReadClaimed(DbDataReader reader) =>
        new(reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetString(4), reader.GetInt32(5));
}

/// <summary>One provider's SQL over the webhook tables and nothing else; <see cref="WebhookStore"/> decides.</summary>
internal interface IWebhookTables
{
    Task InsertAsync(Webhook webhook, CancellationToken cancellationToken);

    Task<Webhook?> FindAsync(string id, CancellationToken cancellationToken);

    /// <summary>Every webhook, oldest first.</summary>
    Task<IReadOnlyList<Webhook>> ListAsync(CancellationToken cancellationToken);

    /// <summary>In one transaction: reads the webhook, locked, and writes what <paramref name="change"/> makes of it; null if there is none.</summary>
    Task<Webhook?> ChangeAsync(string id, Func<Webhook, Webhook> change, CancellationToken cancellationToken);

    /// <summary>Deletes the webhook, its deliveries and their attempts in one transaction; false if there was none.</summary>
    Task<bool> DeleteAsync(string id, CancellationToken cancellationToken);

    /// <summary>The webhook's deliveries, newest first (by creation, then id), each with its attempts, read in one snapshot.</summary>
    Task<IReadOnlyList<StoredDelivery>> ListDeliveriesAsync(string webhookId, DeliveryState? state, int limit, CancellationToken cancellationToken);

    Task<StoredDelivery?> FindDeliveryAsync(string webhookId, string deliveryId, CancellationToken cancellationToken);

    /// <summary>Resets the delivery to pending, due at <paramref name="at"/> with no attempt counted, and reads it back, in one transaction.</summary>
    Task<StoredDelivery?> ResetDeliveryAsync(string webhookId, string deliveryId, DateTimeOffset at, CancellationToken cancellationToken);

    /// <summary>Resets the failed deliveries created in [<paramref name="from"/>, <paramref name="to"/>) likewise; returns how many.</summary>
    Task<int> ResetFailedAsync(string webhookId, DateTimeOffset from, DateTimeOffset to, DateTimeOffset at, CancellationToken cancellationToken);

    Task<IReadOnlyList<WebhookBacklog>> ListBacklogAsync(TimeSpan firstAttemptDelay, CancellationToken cancellationToken);

    Task<IReadOnlyList<ClaimedDelivery>> ClaimAsync(
        string webhookId, string owner, DateTimeOffset now, TimeSpan firstAttemptDelay, DateTimeOffset leaseUntil, int max, CancellationToken cancellationToken);

    /// <summary>A write transaction over the deliveries and their attempts, for <see cref="OutboxRecorder"/>.</summary>
    Task<IOutboxWriter> BeginRecordingAsync(CancellationToken cancellationToken);
}

/// <summary>
/// <see cref="IWebhookStore"/> for every provider: what a webhook becomes on creation and change (<see cref="WebhookRules"/>, its times truncated as stored),
/// how attempts are recorded (<see cref="OutboxRecorder"/>), that a redelivery wakes the dispatcher, and what bad
/// arguments are refused, decided here once; the provider's <see cref="IWebhookTables"/> runs the SQL.
/// </summary>
internal sealed class WebhookStore(IWebhookTables tables, WebhookOutbox outbox) : IWebhookStore
{
    public async Task<Webhook> CreateAsync(WebhookRequest request, DateTimeOffset at, CancellationToken cancellationToken = default)
    {
        var webhook = WebhookRules.NewWebhook(request, UnixMicros.Truncate(at));
        await tables.InsertAsync(webhook, cancellationToken).ConfigureAwait(false);
        return webhook;
    }

    public Task<Webhook?> GetAsync(string id, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(id);
        return tables.FindAsync(id, cancellationToken);
    }

    public Task<IReadOnlyList<Webhook>> ListAsync(CancellationToken cancellationToken = default) => tables.ListAsync(cancellationToken);

    public Task<Webhook?> UpdateAsync(string id, WebhookChange change, DateTimeOffset at, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(id);
        ArgumentNullException.ThrowIfNull(change);
        return tables.ChangeAsync(id, webhook => WebhookRules.Apply(webhook, change, UnixMicros.Truncate(at)), cancellationToken);
    }

    public Task<Webhook?> RotateSecretAsync(string id, string secret, DateTimeOffset previousExpiresAt, DateTimeOffset at, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(id);
        ArgumentException.ThrowIfNullOrEmpty(secret);
        return tables.ChangeAsync(id, webhook => WebhookRules.Rotate(webhook, secret, UnixMicros.Truncate(previousExpiresAt), UnixMicros.Truncate(at)), cancellationToken);
    }

    public Task<bool> DeleteAsync(string id, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(id);
        return tables.DeleteAsync(id, cancellationToken);
    }

    public Task<IReadOnlyList<StoredDelivery>> ListDeliveriesAsync(string webhookId, DeliveryState? state, int limit, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(webhookId);
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        return tables.ListDeliveriesAsync(webhookId, state, limit, cancellationToken);
    }

    public Task<StoredDelivery?> GetDeliveryAsync(string webhookId, string deliveryId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(webhookId);
        ArgumentNullException.ThrowIfNull(deliveryId);
        return tables.FindDeliveryAsync(webhookId, deliveryId, cancellationToken);
    }

    public async Task<StoredDelivery?> RedeliverAsync(string webhookId, string deliveryId, DateTimeOffset at, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(webhookId);
        ArgumentNullException.ThrowIfNull(deliveryId);
        var delivery = await tables.ResetDeliveryAsync(webhookId, deliveryId, at, cancellationToken).ConfigureAwait(false);
        outbox.Notify();
        return delivery;
    }

    public async Task<int> RedeliverFailedAsync(string webhookId, DateTimeOffset from, DateTimeOffset to, DateTimeOffset at, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(webhookId);
        int count = await tables.ResetFailedAsync(webhookId, from, to, at, cancellationToken).ConfigureAwait(false);
        outbox.Notify();
        return count;
    }

    public Task<IReadOnlyList<WebhookBacklog>> ListBacklogAsync(TimeSpan firstAttemptDelay, CancellationToken cancellationToken = default) =>
        tables.ListBacklogAsync(firstAttemptDelay, cancellationToken);

    public Task<IReadOnlyList<ClaimedDelivery>> ClaimAsync(
        string webhookId, string owner, DateTimeOffset now, TimeSpan firstAttemptDelay, DateTimeOffset leaseUntil, int max, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(webhookId);
        ArgumentNullException.ThrowIfNull(owner);
        return tables.ClaimAsync(webhookId, owner, now, firstAttemptDelay, leaseUntil, max, cancellationToken);
    }

    public Task RecordAsync(string owner, IReadOnlyList<DeliveryOutcome> outcomes, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(outcomes);
        return OutboxRecorder.RecordAsync(
            tables.BeginRecordingAsync,
            owner,
            [.. outcomes.Select(o => new AttemptRecord(o.Delivery.Id, o.Attempt, o.State, o.NextAttemptAt, o.Delivery.WebhookId, o.DisableWebhook))],
            cancellationToken);
    }

    public Task WaitForDeliveriesAsync(TimeSpan timeout, CancellationToken cancellationToken = default) => outbox.WaitAsync(timeout, cancellationToken);
}
