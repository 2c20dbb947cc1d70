using Monitor.Core.Notifications;

namespace Monitor.Notifications.Messages;

/// <summary>
/// What a Telegram <c>sendMessage</c> carries besides the chat: <c>{"text"}</c>, plain text (no <c>parse_mode</c>,
/// so nothing in an alert's message needs escaping), cut to the Bot API's 4096 characters. The sender adds the
/// receiver's <c>chat_id</c>.
/// </summary>
public static class TelegramMessage
{
    public const int MaxText = 4096;

    public static string Build(Notification notification, string? templated)
    {
        ArgumentNullException.ThrowIfNull(notification);
        return MessageJson.Write(w =>
        {
            w.WriteStartObject();
            w.WriteString("text", MessageJson.Cut(templated ?? DefaultMessage.Text(notification), MaxText));
            w.WriteEndObject();
        });
    }
}
