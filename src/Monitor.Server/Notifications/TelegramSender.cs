using System.Text.Json.Nodes;
using Monitor.Core.Notifications;
using Monitor.Core.Ports;
using Monitor.Server.Webhooks;

namespace Monitor.Server.Notifications;

/// <summary>
/// Calls the Bot API's <c>sendMessage</c> (<c>POST {apiBase}/bot{token}/sendMessage</c>) with the stored text and the
/// receiver's <c>chat_id</c>. The token is in the URL, so errors are scrubbed of it and name the bot by its id only.
/// </summary>
public sealed class TelegramSender(HttpNotificationPoster poster) : INotificationSender
{
    public string Kind => ReceiverKinds.Telegram;

    public Task<AttemptResult> SendAsync(ReceiverSettings settings, ClaimedNotification notification, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(notification);
        var telegram = (TelegramSettings)settings;
        var body = JsonNode.Parse(notification.Payload)!.AsObject();
        body["chat_id"] = long.TryParse(telegram.ChatId, out long id) ? JsonValue.Create(id) : JsonValue.Create(telegram.ChatId);
        var url = new Uri(telegram.ApiBase, $"{telegram.ApiBase.AbsolutePath.TrimEnd('/')}/bot{telegram.BotToken}/sendMessage");
        return poster.PostAsync(
            url, body.ToJsonString(), $"Telegram bot {telegram.BotId} to chat {telegram.ChatId}", Hint, [telegram.BotToken], cancellationToken);
    }

    private static string? Hint(int status) => status switch
    {
        401 => "the Bot API rejected the bot token: check the receiver's telegram.botToken",
        400 => "the Bot API refused the message: is chatId right, and is the bot in that chat?",
        403 => "the bot may not write to this chat (blocked, or removed from it)",
        404 => "no Bot API method at this address: check telegram.apiBase and the token",
        _ => null,
    };
}
