using System.Text.Json;
using Monitor.Core.Notifications;
using Monitor.Core.Rules;

namespace Monitor.Notifications.Messages;

/// <summary>
/// A Slack incoming webhook's body: <c>text</c> (what notifications and clients without blocks show) and Block Kit
/// <c>blocks</c>: a <c>header</c>, a <c>section</c> per alert (at most <see cref="MaxAlerts"/>, then a count of the
/// rest) or one section with the template's text, and a <c>context</c> naming the notification. Texts are cut to
/// Slack's limits (150 characters in a header, 3000 in a section) and escaped as its <c>mrkdwn</c> asks (&amp;, &lt;, &gt;).
/// </summary>
public static class SlackMessage
{
    public const int MaxAlerts = 20;

    public static string Build(Notification notification, string? templated)
    {
        ArgumentNullException.ThrowIfNull(notification);
        string title = DefaultMessage.Title(notification);
        return MessageJson.Write(w =>
        {
            w.WriteStartObject();
            w.WriteString("text", MessageJson.Cut(templated ?? title, 3000));
            w.WriteStartArray("blocks");
            w.WriteStartObject();
            w.WriteString("type", "header");
            PlainText(w, MessageJson.Cut(title, 150));
            w.WriteEndObject();
            if (templated is not null)
            {
                Section(w, Escape(templated));
            }
            else
            {
                foreach (var stored in notification.Alerts.Take(MaxAlerts))
                {
                    var a = stored.Alert;
                    Section(w, $"*{Escape(a.RuleName)}* ({Escape(a.Severity.ToText())}, {Escape(DefaultMessage.State(stored))})\n{Escape(a.Message)}\n" +
                        $"{string.Join(", ", a.Instruments.Select(i => $"`{Escape(i)}`"))} since {DefaultMessage.Time(DefaultMessage.Since(a))}");
                }

                if (notification.Alerts.Count > MaxAlerts)
                {
                    Section(w, $"and {notification.Alerts.Count - MaxAlerts} more");
                }
            }

            w.WriteStartObject();
            w.WriteString("type", "context");
            w.WriteStartArray("elements");
            w.WriteStartObject();
            w.WriteString("type", "mrkdwn");
            w.WriteString("text", $"Monitor notification `{notification.Id}` to {Escape(notification.Receiver)}");
            w.WriteEndObject();
            w.WriteEndArray();
            w.WriteEndObject();
            w.WriteEndArray();
            w.WriteEndObject();
        });
    }

    private static void Section(Utf8JsonWriter w, string mrkdwn)
    {
        w.WriteStartObject();
        w.WriteString("type", "section");
        w.WriteStartObject("text");
        w.WriteString("type", "mrkdwn");
        w.WriteString("text", MessageJson.Cut(mrkdwn, 3000));
        w.WriteEndObject();
        w.WriteEndObject();
    }

    private static void PlainText(Utf8JsonWriter w, string text)
    {
        w.WriteStartObject("text");
        w.WriteString("type", "plain_text");
        w.WriteString("text", text);
        w.WriteEndObject();
    }

    private static string Escape(string text) => text.Replace("&", "&amp;", StringComparison.Ordinal).Replace("<", "&lt;", StringComparison.Ordinal).Replace(">", "&gt;", StringComparison.Ordinal);
}
