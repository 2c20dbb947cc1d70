using Monitor.Core.Notifications;

namespace Monitor.Core.Ports;

/// <summary>
/// Where the policy's decisions go to be delivered. Durable and idempotent by <see cref="Notification.Id"/>: the
/// policy may hand the same notification again after a crash or a failover, and it is stored, and sent, once.
/// </summary>
public interface INotificationOutbox
{
    /// <summary>Stores each notification whose id is not stored yet; an id already stored is left alone.</summary>
    Task EnqueueAsync(IReadOnlyList<Notification> notifications, CancellationToken cancellationToken = default);
}

/// <summary>The policy as stored: the document as sent, when and by whom.</summary>
public sealed record StoredNotificationPolicy(string Document, DateTimeOffset UpdatedAt, string? UpdatedBy);

/// <summary>
/// One entry of the policy's inbox: the alert changed (a transition was stored, or it was acknowledged) at
/// <paramref name="At"/>. Written in the transaction that stored the change, while a policy is in force; the runner
/// reads the alert as stored when it takes the entry.
/// </summary>
public sealed record NotificationInboxEntry(long Sequence, string AlertId, DateTimeOffset At);

/// <summary>
/// The notification policy, and the state of the one runner that applies it (docs/api.md, Notification policy). The
/// runner holds a lease (<see cref="TryLeaseAsync"/>); a lease left by a dead process expires and another takes over
/// from the last committed state. <see cref="CommitAsync"/> is fenced by the lease, so a runner that lost it commits nothing.
/// </summary>
public interface INotificationPolicyStore
{
    /// <summary>The policy in force, or null when there is none (webhooks then get every transition their filters match).</summary>
    Task<StoredNotificationPolicy?> GetAsync(CancellationToken cancellationToken = default);

    /// <summary>Replaces the policy, as of <paramref name="at"/>; null removes it, with the runner's state and inbox.</summary>
    Task SaveAsync(string? document, string? by, DateTimeOffset at, CancellationToken cancellationToken = default);

    /// <summary>Takes or renews the runner's lease for <paramref name="owner"/> until <paramref name="until"/>; false while another owner's lease lasts.</summary>
    Task<bool> TryLeaseAsync(string owner, DateTimeOffset now, DateTimeOffset until, CancellationToken cancellationToken = default);

    /// <summary>The runner's last committed state (opaque JSON), or null.</summary>
    Task<string?> ReadStateAsync(CancellationToken cancellationToken = default);

    /// <summary>Up to <paramref name="max"/> inbox entries, oldest first.</summary>
    Task<IReadOnlyList<NotificationInboxEntry>> ReadInboxAsync(int max, CancellationToken cancellationToken = default);

    /// <summary>
    /// In one transaction, if <paramref name="owner"/> still holds the lease: stores <paramref name="state"/> and removes
    /// the <paramref name="processed"/> inbox entries (by sequence: an entry committed late, with a lower sequence, stays
    /// for the next step). False (and nothing changed) if the lease was lost.
    /// </summary>
    Task<bool> CommitAsync(string owner, string state, IReadOnlyList<long> processed, CancellationToken cancellationToken = default);
}
