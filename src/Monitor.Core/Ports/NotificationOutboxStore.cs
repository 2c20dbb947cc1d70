using Monitor.Core.Webhooks;

namespace Monitor.Core.Ports;

/// <summary>
/// A notification to add to the outbox: what the policy decided (<paramref name="Id"/> is the notification's stable id),
/// for which receiver of which kind, and <paramref name="Payload"/>, the message rendered for that kind, sent as it is on
/// every attempt. The receiver's address and secrets are not in it: they are read from the policy when sending.
/// </summary>
public sealed record NewNotification(
    string Id, string Receiver, string Kind, string GroupKey, string Status, IReadOnlyList<string> AlertIds, string Payload);

/// <summary>A notification in the outbox, with every attempt ever made, oldest first (as <see cref="StoredDelivery"/> for webhooks).</summary>
public sealed record StoredNotification(
    string Id,
    string Receiver,
    string Kind,
    string GroupKey,
    string Status,
    IReadOnlyList<string> AlertIds,
    string Payload,
    DeliveryState State,
    DateTimeOffset CreatedAt,
    DateTimeOffset NextAttemptAt,
    int AttemptCount,
    IReadOnlyList<DeliveryAttempt> Attempts);

/// <summary>A notification a dispatcher holds the lease of.</summary>
public sealed record ClaimedNotification(string Id, string Receiver, string Kind, string Payload, int AttemptCount);

/// <summary>What an attempt came to: the attempt and the notification's new state (<see cref="DeliveryState.Pending"/> with the next attempt's time for a retry).</summary>
public sealed record NotificationOutcome(ClaimedNotification Notification, DeliveryAttempt Attempt, DeliveryState State, DateTimeOffset? NextAttemptAt);

/// <summary>A receiver with pending notifications: how many, and when the earliest is due.</summary>
public sealed record NotificationBacklog(string Receiver, int Pending, DateTimeOffset NextDueAt);

/// <summary>The filters of <c>GET /api/v1/notifications/log</c>: <see cref="From"/> (inclusive) and <see cref="To"/> (exclusive) bound the creation time.</summary>
public sealed record NotificationLogQuery(string? Receiver, DateTimeOffset? From, DateTimeOffset? To, int Limit);

/// <summary>
/// The notification outbox (docs/api.md, Notification log): durable, idempotent by id, leased like webhook deliveries
/// (<see cref="IWebhookStore"/>): a dispatcher claims due notifications of a receiver with a lease, so one sends a
/// notification at a time, and a lease left by a dead process runs out and another sends it again with the same id.
/// </summary>
public interface INotificationStore
{
    /// <summary>Adds the notifications whose ids are not stored yet, due at <paramref name="now"/>; returns how many were new.</summary>
    Task<int> AddAsync(IReadOnlyList<NewNotification> notifications, DateTimeOffset now, CancellationToken cancellationToken = default);

    /// <summary>Notifications matching the query, newest first (by creation, then id), with their attempts.</summary>
    Task<IReadOnlyList<StoredNotification>> ListAsync(NotificationLogQuery query, CancellationToken cancellationToken = default);

    Task<StoredNotification?> GetAsync(string id, CancellationToken cancellationToken = default);

    /// <summary>Sends the notification again, whatever its state: pending, due at <paramref name="at"/>, on a new run of the schedule, same id. Null if unknown.</summary>
    Task<StoredNotification?> ResendAsync(string id, DateTimeOffset at, CancellationToken cancellationToken = default);

    /// <summary>Receivers with pending notifications; one is due at its next attempt time or when its lease ends, whichever is later.</summary>
    Task<IReadOnlyList<NotificationBacklog>> ListBacklogAsync(CancellationToken cancellationToken = default);

    /// <summary>Leases up to <paramref name="max"/> of the receiver's notifications due at <paramref name="now"/> to
    /// <paramref name="owner"/> until <paramref name="leaseUntil"/>, earliest due first.</summary>
    Task<IReadOnlyList<ClaimedNotification>> ClaimAsync(
        string receiver, string owner, DateTimeOffset now, DateTimeOffset leaseUntil, int max, CancellationToken cancellationToken = default);

    /// <summary>Records attempts in one transaction: each attempt is kept; the state changes only while the notification is
    /// still pending and leased by <paramref name="owner"/>.</summary>
    Task RecordAsync(string owner, IReadOnlyList<NotificationOutcome> outcomes, CancellationToken cancellationToken = default);

    /// <summary>Completes when notifications are added or resent in this process, or after <paramref name="timeout"/>.</summary>
    Task WaitForNotificationsAsync(TimeSpan timeout, CancellationToken cancellationToken = default);
}
