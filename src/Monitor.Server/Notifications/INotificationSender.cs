using Monitor.Core.Notifications;
using Monitor.Core.Ports;
using Monitor.Server.Webhooks;

namespace Monitor.Server.Notifications;

/// <summary>
/// Sends one attempt of a stored notification to a receiver of one kind. An attempt never throws for the receiver's
/// sake: what came of it is an <see cref="AttemptResult"/> whose error names the service and the cause (a refused
/// login, a rejected token, an unknown URL) and never holds a secret of <paramref name="settings"/>.
/// </summary>
public interface INotificationSender
{
    /// <summary>One of <see cref="ReceiverKinds.All"/>.</summary>
    string Kind { get; }

    Task<AttemptResult> SendAsync(ReceiverSettings settings, ClaimedNotification notification, CancellationToken cancellationToken);
}
