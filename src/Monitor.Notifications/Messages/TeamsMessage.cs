using System.Text.Json;
using Monitor.Core.Notifications;
using Monitor.Core.Rules;

namespace Monitor.Notifications.Messages;

/// <summary>
/// A Microsoft Teams incoming webhook's body, as Microsoft documents it for Adaptive Cards: <c>{"type":"message",
/// "attachments":[{"contentType":"application/vnd.microsoft.card.adaptive","contentUrl":null,"content":{card}}]}</c>.
/// The card (version 1.4) has the title, then per alert its rule, message and a fact set (at most
/// <see cref="MaxAlerts"/>), or the template's text.
/// </summary>
public static class TeamsMessage
{
    public const string CardContentType = "application/vnd.microsoft.card.adaptive";
    public const int MaxAlerts = 20;

    public static string Build(Notification notification, string? templated)
    {
        ArgumentNullException.ThrowIfNull(notification);
        return MessageJson.Write(w =>
        {
            w.WriteStartObject();
            w.WriteString("type", "message");
            w.WriteStartArray("attachments");
            w.WriteStartObject();
            w.WriteString("contentType", CardContentType);
            w.WriteNull("contentUrl");
            w.WriteStartObject("content");
            w.WriteString("$schema", "http://adaptivecards.io/schemas/adaptive-card.json");
            w.WriteString("type", "AdaptiveCard");
            w.WriteString("version", "1.4");
            w.WriteStartArray("body");
            TextBlock(w, DefaultMessage.Title(notification), bold: true, color: notification.Status == NotificationStatus.Firing ? "Attention" : "Good");
            if (templated is not null)
            {
                TextBlock(w, templated);
            }
            else
            {
                foreach (var stored in notification.Alerts.Take(MaxAlerts))
                {
                    var a = stored.Alert;
                    TextBlock(w, $"**{a.RuleName}** ({a.Severity.ToText()}, {DefaultMessage.State(stored)})");
                    TextBlock(w, a.Message);
                    w.WriteStartObject();
                    w.WriteString("type", "FactSet");
                    w.WriteStartArray("facts");
                    Fact(w, "Instruments", string.Join(", ", a.Instruments));
                    Fact(w, "Since", DefaultMessage.Time(DefaultMessage.Since(a)));
                    Fact(w, "Alert", a.Id);
                    w.WriteEndArray();
                    w.WriteEndObject();
                }

                if (notification.Alerts.Count > MaxAlerts)
                {
                    TextBlock(w, $"and {notification.Alerts.Count - MaxAlerts} more");
                }
            }

            w.WriteEndArray();
            w.WriteEndObject();
            w.WriteEndObject();
            w.WriteEndArray();
            w.WriteEndObject();
        });
    }

    private static void TextBlock(Utf8JsonWriter w, string text, bool bold = false, string? color = null)
    {
        w.WriteStartObject();
        w.WriteString("type", "TextBlock");
        w.WriteString("text", MessageJson.Cut(text, 20_000));
        w.WriteBoolean("wrap", true);
        if (bold)
        {
            w.WriteString("weight", "Bolder");
            w.WriteString("size", "Medium");
        }

        if (color is not null)
        {
            w.WriteString("color", color);
        }

        w.WriteEndObject();
    }

    private static void Fact(Utf8JsonWriter w, string title, string value)
    {
        w.WriteStartObject();
        w.WriteString("title", title);
        w.WriteString("value", value);
        w.WriteEndObject();
    }
}
