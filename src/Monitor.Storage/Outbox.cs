using Monitor.Core.Rules;
using Monitor.Core.Webhooks;

namespace Monitor.Storage;

/// <summary>
/// The two durable outboxes, webhook deliveries and notifications, keep their entries alike: leased to one dispatcher at
/// a time, claimed per <see cref="Group"/> (the webhook, the receiver), and every attempt kept in a table of its own under
/// the entry's id, with the same columns. The names of one outbox's tables and columns, for the SQL each provider writes
/// once for both (<c>SqliteOutbox</c>, <c>PostgresOutbox</c>).
/// </summary>
internal sealed record OutboxTables(string Entries, string Group, string Attempts, string EntryKey)
{
    public static OutboxTables Webhooks { get; } = new("webhook_deliveries", "webhook_id", "webhook_attempts", "delivery_id");

    public static OutboxTables Notifications { get; } = new("notification_outbox", "receiver", "notification_attempts", "notification_id");
}

/// <summary>An entry's state as both outboxes store it: its contract spelling.</summary>
internal static class OutboxState
{
    public static DeliveryState Parse(string text) =>
        RuleText.TryParse(text, out DeliveryState state) ? state : throw new InvalidDataException($"stored delivery state '{text}' is unknown");
}

/// <summary>An attempt to record: the entry's new state and, for a webhook delivery, the webhook to disable with why.</summary>
internal readonly record struct AttemptRecord(
    string EntryId, DeliveryAttempt Attempt, DeliveryState State, DateTimeOffset? NextAttemptAt, string? WebhookId = null, string? DisableWebhook = null);

/// <summary>One provider's write transaction over an outbox's tables: SQL and nothing else. Disposing it without <see cref="CommitAsync"/> rolls back.</summary>
internal interface IOutboxWriter : IAsyncDisposable
{
    /// <summary>Keeps the attempt, unless its entry is gone.</summary>
    Task AddAttemptAsync(string entryId, DeliveryAttempt attempt, CancellationToken cancellationToken);

    /// <summary>
    /// Gives the entry its new state (and next attempt time, or keeps the one it has), counts the attempt and ends the
    /// lease, if the entry is pending and leased by <paramref name="owner"/>; false if it was not.
    /// </summary>
    Task<bool> CompleteAsync(string entryId, string owner, DeliveryState state, DateTimeOffset? nextAttemptAt, CancellationToken cancellationToken);

    /// <summary>Disables the webhook, if enabled, saying why.</summary>
    Task DisableWebhookAsync(string webhookId, string reason, DateTimeOffset at, CancellationToken cancellationToken);

    Task CommitAsync(CancellationToken cancellationToken);
}

/// <summary>
/// Records attempts the same way for both outboxes and both providers, in one transaction: every attempt is kept (but
/// not for an entry deleted, with its webhook, while it was being sent); an entry takes its new state only while it is
/// still pending and leased by the dispatcher that sent it; and only then is its webhook disabled, if the attempt says so.
/// </summary>
internal static class OutboxRecorder
{
    public static async Task RecordAsync(
        Func<CancellationToken, Task<IOutboxWriter>> begin, string owner, IReadOnlyList<AttemptRecord> records, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(owner);
        if (records.Count == 0)
        {
            return;
        }

        await using var writer = await begin(cancellationToken).ConfigureAwait(false);
        foreach (var record in records)
        {
            await writer.AddAttemptAsync(record.EntryId, record.Attempt, cancellationToken).ConfigureAwait(false);
            bool held = await writer.CompleteAsync(record.EntryId, owner, record.State, record.NextAttemptAt, cancellationToken).ConfigureAwait(false);
            if (held && record is { WebhookId: { } webhook, DisableWebhook: { } reason })
            {
                await writer.DisableWebhookAsync(webhook, reason, record.Attempt.At, cancellationToken).ConfigureAwait(false);
            }
        }

        await writer.CommitAsync(cancellationToken).ConfigureAwait(false);
    }
}
