using Monitor.Core.Notifications;
using Monitor.Core.Rules;

namespace Monitor.Notifications.Messages;

/// <summary>
/// A notification to a webhook, as a Standard Webhooks body: <c>{"type":"notification.firing|notification.resolved",
/// "timestamp","data":{"notification":{"id","receiver","groupKey","groupLabels","status","reason","message","alerts":[...]}}}</c>,
/// each alert as the API shows it; <c>message</c> is the template's text or the default message.
/// </summary>
public static class WebhookMessage
{
    public static string Build(Notification notification, string? templated)
    {
        ArgumentNullException.ThrowIfNull(notification);
        return MessageJson.Write(w =>
        {
            w.WriteStartObject();
            w.WriteString("type", $"notification.{notification.Status.ToText()}");
            w.WriteString("timestamp", notification.At.ToUniversalTime());
            w.WriteStartObject("data");
            w.WriteStartObject("notification");
            w.WriteString("id", notification.Id);
            w.WriteString("receiver", notification.Receiver);
            w.WriteString("groupKey", notification.GroupKey);
            w.WriteStartObject("groupLabels");
            foreach (var (name, value) in notification.GroupLabels.OrderBy(l => l.Key, StringComparer.Ordinal))
            {
                w.WriteString(name, value);
            }

            w.WriteEndObject();
            w.WriteString("status", notification.Status.ToText());
            w.WriteString("reason", notification.Reason.ToText());
            w.WriteString("message", templated ?? DefaultMessage.Text(notification));
            w.WriteStartArray("alerts");
            foreach (var stored in notification.Alerts)
            {
                w.WriteStartObject();
                AlertJson.WriteFields(w, stored.Alert);
                w.WriteString("acknowledgedBy", stored.Acknowledgement?.By);
                AlertJson.WriteTime(w, "acknowledgedAt", stored.Acknowledgement?.At);
                w.WriteBoolean("silenced", stored.Silenced);
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteEndObject();
            w.WriteEndObject();
            w.WriteEndObject();
        });
    }
}
