using System.Data.Common;
using Monitor.Core.Ports;

namespace Monitor.Storage;

/// <summary>One provider's SQL over the notification outbox and nothing else; <see cref="NotificationStore"/> decides.</summary>
internal interface INotificationTables
{
    /// <summary>Inserts the notifications not stored yet (by id), pending and due at <paramref name="now"/>; returns how many were new.</summary>
    Task<int> InsertAsync(IReadOnlyList<NewNotification> notifications, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>The notifications the query selects, newest first, each with its attempts, read in one snapshot.</summary>
    Task<IReadOnlyList<StoredNotification>> ListAsync(NotificationLogQuery query, CancellationToken cancellationToken);

    Task<StoredNotification?> FindAsync(string id, CancellationToken cancellationToken);

    /// <summary>Resets the notification to pending, due at <paramref name="at"/> with no attempt counted, and reads it back, in one transaction.</summary>
    Task<StoredNotification?> ResetAsync(string id, DateTimeOffset at, CancellationToken cancellationToken);

    Task<IReadOnlyList<NotificationBacklog>> ListBacklogAsync(CancellationToken cancellationToken);

    Task<IReadOnlyList<ClaimedNotification>> ClaimAsync(
        string receiver, string owner, DateTimeOffset now, DateTimeOffset leaseUntil, int max, CancellationToken cancellationToken);

    /// <summary>A write transaction over the notifications and their attempts, for <see cref="OutboxRecorder"/>.</summary>
    Task<IOutboxWriter> BeginRecordingAsync(CancellationToken cancellationToken);
}

/// <summary>
/// <see cref="INotificationStore"/> for every provider: that new and resent notifications wake the dispatcher, how
/// attempts are recorded (<see cref="OutboxRecorder"/>), and what bad arguments are refused, decided here once; the
/// provider's <see cref="INotificationTables"/> runs the SQL.
/// </summary>
internal sealed class NotificationStore(INotificationTables tables, WebhookOutbox outbox) : INotificationStore
{
    /// <summary>The outbox's columns both providers read and write, in this order.</summary>
    public const string Columns = "id, receiver, kind, group_key, status, alert_ids, payload, state, created_at, next_attempt_at, attempt_count";

    /// <summary>The columns a claim returns, which <see cref="ReadClaimed"/> reads.</summary>
    public const string ClaimedColumns = "id, receiver, kind, payload, attempt_count";

    public static ClaimedNotification ReadClaimed(DbDataReader reader) =>
        new(reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetInt32(4));

    public async Task<int> AddAsync(IReadOnlyList<NewNotification> notifications, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(notifications);
        if (notifications.Count == 0)
        {
            return 0;
        }

        int added = await tables.InsertAsync(notifications, now, cancellationToken).ConfigureAwait(false);
        if (added > 0)
        {
            outbox.Notify();
        }

        return added;
    }

    public Task<IReadOnlyList<StoredNotification>> ListAsync(NotificationLogQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        return tables.ListAsync(query with { Limit = Math.Max(1, query.Limit) }, cancellationToken);
    }

    public Task<StoredNotification?> GetAsync(string id, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(id);
        return tables.FindAsync(id, cancellationToken);
    }

    public async Task<StoredNotification?> ResendAsync(string id, DateTimeOffset at, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(id);
        var notification = await tables.ResetAsync(id, at, cancellationToken).ConfigureAwait(false);
        outbox.Notify();
        return notification;
    }

    public Task<IReadOnlyList<NotificationBacklog>> ListBacklogAsync(CancellationToken cancellationToken = default) => tables.ListBacklogAsync(cancellationToken);

    public Task<IReadOnlyList<ClaimedNotification>> ClaimAsync(
        string receiver, string owner, DateTimeOffset now, DateTimeOffset leaseUntil, int max, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(receiver);
        ArgumentNullException.ThrowIfNull(owner);
        return tables.ClaimAsync(receiver, owner, now, leaseUntil, max, cancellationToken);
    }

    public Task RecordAsync(string owner, IReadOnlyList<NotificationOutcome> outcomes, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(outcomes);
        return OutboxRecorder.RecordAsync(
            tables.BeginRecordingAsync, owner, [.. outcomes.Select(o => new AttemptRecord(o.Notification.Id, o.Attempt, o.State, o.NextAttemptAt))], cancellationToken);
    }

    public Task WaitForNotificationsAsync(TimeSpan timeout, CancellationToken cancellationToken = default) => outbox.WaitAsync(timeout, cancellationToken);
}
