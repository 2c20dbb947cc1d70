using Microsoft.Extensions.Logging;
using Monitor.Core.Notifications;
using Monitor.Core.Ports;
using Monitor.Notifications;

namespace Monitor.Server.Notifications;

/// <summary>
/// <see cref="INotificationOutbox"/>: renders each notification for its receiver's kind with the receiver's template
/// (the policy in force) and stores it in the outbox (<see cref="INotificationStore"/>), once per id. A notification for
/// a receiver the policy no longer has, or one without a kind, is not stored: there is nothing to send it to.
/// </summary>
public sealed class NotificationOutbox(INotificationStore store, IPolicyInForce policies, TimeProvider clock, ILogger<NotificationOutbox> logger)
    : INotificationOutbox
{
    public async Task EnqueueAsync(IReadOnlyList<Notification> notifications, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(notifications);
        if (notifications.Count == 0)
        {
            return;
        }

        var policy = await policies.GetAsync(cancellationToken).ConfigureAwait(false);
        var rows = new List<NewNotification>(notifications.Count);
        foreach (var notification in notifications)
        {
            if (policy?.FindReceiver(notification.Receiver) is not { Kind: { } kind } receiver)
            {
                logger.LogWarning(
                    "Notification {NotificationId} is for receiver {Receiver}, which the policy in force does not have or sends nowhere: not stored",
                    notification.Id, notification.Receiver);
                continue;
            }

            string? template = policy.Templates.TryGetValue(receiver.Name, out string? text) ? text : null;
            rows.Add(new NewNotification(
                notification.Id, receiver.Name, kind, notification.GroupKey, notification.Status.ToText(),
                [.. notification.Alerts.Select(a => a.Alert.Id)], NotificationRenderer.Render(kind, notification, template)));
        }

        await store.AddAsync(rows, clock.GetUtcNow(), cancellationToken).ConfigureAwait(false);
    }
}
