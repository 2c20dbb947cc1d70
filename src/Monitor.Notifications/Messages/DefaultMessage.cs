using System.Globalization;
using System.Net;
using System.Text;
using Monitor.Core.Notifications;
using Monitor.Core.Ports;
using Monitor.Core.Rules;

namespace Monitor.Notifications.Messages;

/// <summary>
/// A notification's message without a template: a title (<c>[FIRING:2] silver-etf-divergence</c>, Alertmanager's
/// form: the status, how many alerts, the group's label values) and a line per alert (severity, state, rule, the
/// alert's message, instruments, since when, who acknowledged it).
/// </summary>
public static class DefaultMessage
{
    public static string Title(Notification notification)
    {
        ArgumentNullException.ThrowIfNull(notification);
        int firing = notification.Alerts.Count(a => a.Alert.State != AlertState.Resolved);
        string status = notification.Status == NotificationStatus.Firing ? $"FIRING:{firing}" : $"RESOLVED:{notification.Alerts.Count}";
        string group = notification.GroupLabels.Count > 0
            ? string.Join(" ", notification.GroupLabels.OrderBy(l => l.Key, StringComparer.Ordinal).Select(l => l.Value))
            : notification.Alerts.Count > 0 ? notification.Alerts[0].Alert.RuleName : notification.Receiver;
        return $"[{status}] {group}";
    }

    /// <summary>One line per alert, as plain text.</summary>
    public static IEnumerable<string> Lines(Notification notification)
    {
        ArgumentNullException.ThrowIfNull(notification);
        return notification.Alerts.Select(Line);
    }

    /// <summary>The title and the lines, as plain text.</summary>
    public static string Text(Notification notification) =>
        Title(notification) + "\n\n" + string.Join("\n", Lines(notification));

    /// <summary>The title and a table of the alerts, as HTML (an email's HTML part).</summary>
    public static string Html(Notification notification)
    {
        ArgumentNullException.ThrowIfNull(notification);
        var html = new StringBuilder();
        html.Append("<!DOCTYPE html><html><body style=\"font-family:sans-serif\">");
        html.Append(CultureInfo.InvariantCulture, $"<h2>{Encode(Title(notification))}</h2>");
        html.Append("<table cellpadding=\"4\" style=\"border-collapse:collapse\"><tr><th align=\"left\">Severity</th><th align=\"left\">State</th><th align=\"left\">Rule</th><th align=\"left\">Message</th><th align=\"left\">Instruments</th><th align=\"left\">Since</th></tr>");
        foreach (var stored in notification.Alerts)
        {
            var a = stored.Alert;
            html.Append(CultureInfo.InvariantCulture,
                $"<tr><td>{Encode(a.Severity.ToText())}</td><td>{Encode(State(stored))}</td><td>{Encode(a.RuleName)}</td><td>{Encode(a.Message)}</td><td>{Encode(string.Join(", ", a.Instruments))}</td><td>{Time(Since(a))}</td></tr>");
        }

        html.Append("</table></body></html>");
        return html.ToString();
    }

    /// <summary>Text as HTML: escaped, line breaks kept (an email's HTML part from a template's text).</summary>
    public static string HtmlOf(string text) =>
        "<!DOCTYPE html><html><body><pre style=\"font-family:sans-serif;white-space:pre-wrap\">" + Encode(text) + "</pre></body></html>";

    public static string Encode(string text) => WebUtility.HtmlEncode(text);

    public static string Time(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture);

    /// <summary>The alert's state, and who acknowledged it.</summary>
    public static string State(StoredAlert stored)
    {
        ArgumentNullException.ThrowIfNull(stored);
        return stored.Acknowledgement is { } ack ? $"{stored.Alert.State.ToText()}, acknowledged by {ack.By}" : stored.Alert.State.ToText();
    }

    public static DateTimeOffset Since(Alert alert)
    {
        ArgumentNullException.ThrowIfNull(alert);
        return alert.State == AlertState.Resolved && alert.ResolvedAt is { } resolved ? resolved : alert.FiredAt ?? alert.StartedAt;
    }

    private static string Line(StoredAlert stored)
    {
        var a = stored.Alert;
        return $"- [{a.Severity.ToText()}] {State(stored)}: {a.RuleName}: {a.Message} ({string.Join(", ", a.Instruments)}) since {Time(Since(a))}";
    }
}
