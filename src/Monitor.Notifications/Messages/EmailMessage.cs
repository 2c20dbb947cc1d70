using Monitor.Core.Notifications;

namespace Monitor.Notifications.Messages;

/// <summary>
/// An email of a notification: <c>{"subject","text","html"}</c>. The subject is the title; the plain-text and HTML parts
/// are the default message (a table of the alerts in HTML) or the template's text (escaped into HTML as it is).
/// </summary>
public static class EmailMessage
{
    public static string Build(Notification notification, string? templated)
    {
        ArgumentNullException.ThrowIfNull(notification);
        return MessageJson.Write(w =>
        {
            w.WriteStartObject();
            w.WriteString("subject", DefaultMessage.Title(notification));
            w.WriteString("text", templated ?? DefaultMessage.Text(notification));
            w.WriteString("html", templated is null ? DefaultMessage.Html(notification) : DefaultMessage.HtmlOf(templated));
            w.WriteEndObject();
        });
    }
}
