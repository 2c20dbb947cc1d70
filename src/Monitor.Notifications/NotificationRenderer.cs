using Monitor.Core.Notifications;
using Monitor.Core.Webhooks;
using Monitor.Notifications.Messages;

namespace Monitor.Notifications;

/// <summary>
/// The body a notification is stored with in the outbox for a receiver of <paramref name="kind"/>: the kind's message,
/// with the receiver's template's text in place of the default message when the policy has one. Rendered once, when
/// the notification is stored, so every attempt sends the same message.
/// </summary>
public static class NotificationRenderer
{
    public static string Render(string kind, Notification notification, string? template)
    {
        ArgumentNullException.ThrowIfNull(notification);
        string? templated = template is null ? null : NotificationTemplates.Render(template, notification);
        return kind switch
        {
            ReceiverKinds.Slack => SlackMessage.Build(notification, templated),
            ReceiverKinds.Teams => TeamsMessage.Build(notification, templated),
            ReceiverKinds.Email => EmailMessage.Build(notification, templated),
            ReceiverKinds.Telegram => TelegramMessage.Build(notification, templated),
            ReceiverKinds.Webhook => WebhookMessage.Build(notification, templated),
            _ => throw new ArgumentException($"'{kind}' is not a receiver kind", nameof(kind)),
        };
    }
}
