using Monitor.Core.Ports;

namespace Monitor.Core.Notifications;

/// <summary>Firing while any alert of the group fires; resolved once every alert of it has resolved.</summary>
public enum NotificationStatus
{
    Firing,
    Resolved,
}

/// <summary>
/// Why a group notified: <see cref="First"/> after <c>groupWait</c>, <see cref="Update"/> when its alerts changed,
/// <see cref="Repeat"/> after <c>repeatInterval</c> unchanged and not all acknowledged, <see cref="Resolved"/> when its
/// last alert resolved.
/// </summary>
public enum NotificationReason
{
    First,
    Update,
    Repeat,
    Resolved,
}

/// <summary>
/// One message for one receiver about one group of alerts, as the policy decided it. <see cref="Id"/> is stable
/// (<c>ntf_</c> and 32 hex digits over receiver, group key, the group's start and its notification number), so
/// deciding the same notification again after a crash or a failover yields the same id and the outbox keeps one.
/// <see cref="Alerts"/> lists the group's firing alerts, then (when the receiver wants them) the resolved ones.
/// </summary>
public sealed record Notification(
    string Id,
    string Receiver,
    string GroupKey,
    IReadOnlyDictionary<string, string> GroupLabels,
    NotificationStatus Status,
    NotificationReason Reason,
    IReadOnlyList<StoredAlert> Alerts,
    DateTimeOffset At);
