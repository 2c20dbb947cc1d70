using Monitor.Core.Notifications;
using Monitor.Core.Ports;
using Monitor.Core.Webhooks;
using Monitor.Server.Webhooks;

namespace Monitor.Server.Notifications;

/// <summary>
/// Sends a notification to one of the server's webhooks by id, as a Standard Webhooks delivery signed with the
/// webhook's secrets (<see cref="WebhookSender"/>, the same sender as every webhook delivery), its <c>webhook-id</c>
/// the notification's id. A webhook that does not exist or is disabled fails the notification at once, saying so.
/// </summary>
public sealed class WebhookReceiverSender(IWebhookStore webhooks, WebhookSender sender, TimeProvider clock) : INotificationSender
{
    public string Kind => ReceiverKinds.Webhook;

    public async Task<AttemptResult> SendAsync(ReceiverSettings settings, ClaimedNotification notification, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(notification);
        string id = ((WebhookReceiverSettings)settings).Id;
        var webhook = await webhooks.GetAsync(id, cancellationToken).ConfigureAwait(false);
        if (webhook is not { Enabled: true })
        {
            string why = webhook is null ? "does not exist" : $"is disabled ({webhook.DisabledReason})";
            return new AttemptResult(clock.GetUtcNow(), null, TimeSpan.Zero, $"webhook {id} {why}", null, Permanent: true);
        }

        var delivery = new ClaimedDelivery(notification.Id, webhook.Id, "notification", "", notification.Payload, notification.AttemptCount);
        var result = await sender.SendAsync(webhook, delivery, cancellationToken).ConfigureAwait(false);
        return result.Succeeded ? result : result with { Error = $"webhook {id}: {result.Error}" };
    }
}
