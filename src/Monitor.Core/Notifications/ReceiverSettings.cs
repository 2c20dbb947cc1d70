using Monitor.Core.Webhooks;

namespace Monitor.Core.Notifications;

/// <summary>What a receiver of one kind sends to, read from its settings by <see cref="ReceiverSettingsReader"/>.</summary>
public abstract record ReceiverSettings
{
    /// <summary>One of <see cref="ReceiverKinds.All"/>.</summary>
    public abstract string Kind { get; }
}

/// <summary>A Slack incoming webhook (<c>https://hooks.slack.com/services/...</c>); the URL is the secret.</summary>
public sealed record SlackSettings(Uri Url) : ReceiverSettings
{
    public override string Kind => ReceiverKinds.Slack;

    public override string ToString() => $"slack incoming webhook on {Url.Host}";
}

/// <summary>A Microsoft Teams incoming webhook (Workflows or the classic connector); the URL is the secret.</summary>
public sealed record TeamsSettings(Uri Url) : ReceiverSettings
{
    public override string Kind => ReceiverKinds.Teams;

    public override string ToString() => $"teams incoming webhook on {Url.Host}";
}

/// <summary>
/// An SMTP server: <see cref="StartTls"/> upgrades the connection before authenticating (port 587); without it the
/// connection is TLS from the start on port 465 and plain elsewhere. <see cref="Username"/> and
/// <see cref="Password"/> go together; the password is the secret. <see cref="CaCertificate"/> (PEM) is a certificate
/// authority to trust for this server besides the system's (a relay with a private CA or a self-signed certificate);
/// the server's name must still match its certificate.
/// </summary>
public sealed record SmtpSettings(string Host, int Port, bool StartTls, string? Username, string? Password, string? CaCertificate = null)
{
    public override string ToString() => $"smtp {Host}:{Port}{(StartTls ? " with STARTTLS" : "")}{(Username is null ? "" : $" as {Username}")}";
}

/// <summary>Email: one message per notification, from <see cref="From"/> to every address in <see cref="To"/>.</summary>
public sealed record EmailSettings(IReadOnlyList<string> To, string From, SmtpSettings Smtp) : ReceiverSettings
{
    public override string Kind => ReceiverKinds.Email;

    public override string ToString() => $"email from {From} to {string.Join(", ", To)} through {Smtp}";
}

/// <summary>A Telegram bot's <c>sendMessage</c> to <see cref="ChatId"/>, through the Bot API at <see cref="ApiBase"/>; the token is the secret.</summary>
public sealed record TelegramSettings(string BotToken, string ChatId, Uri ApiBase) : ReceiverSettings
{
    public override string Kind => ReceiverKinds.Telegram;

    public static readonly Uri DefaultApiBase = new("https://api.telegram.org");

    /// <summary>The bot's id, the part of the token before the colon: names the bot without giving its secret away.</summary>
    public string BotId => BotToken.Split(':')[0];

    public override string ToString() => $"telegram bot {BotId} to chat {ChatId} through {ApiBase.Host}";
}

/// <summary>One of the server's webhook subscriptions (<c>/api/v1/webhooks</c>), by id: signed Standard Webhooks deliveries.</summary>
public sealed record WebhookReceiverSettings(string Id) : ReceiverSettings
{
    public override string Kind => ReceiverKinds.Webhook;
}
