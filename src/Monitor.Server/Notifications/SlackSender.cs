using Monitor.Core.Notifications;
using Monitor.Core.Ports;
using Monitor.Server.Webhooks;

namespace Monitor.Server.Notifications;

/// <summary>Posts the stored Slack message (<c>text</c> and <c>blocks</c>) to the receiver's incoming webhook URL.</summary>
public sealed class SlackSender(HttpNotificationPoster poster) : INotificationSender
{
    public string Kind => ReceiverKinds.Slack;

    public Task<AttemptResult> SendAsync(ReceiverSettings settings, ClaimedNotification notification, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(notification);
        var slack = (SlackSettings)settings;
        return poster.PostAsync(slack.Url, notification.Payload, $"Slack incoming webhook on {slack.Url.Host}", Hint, [slack.Url.ToString(), slack.Url.AbsolutePath], cancellationToken);
    }

    private static string? Hint(int status) => status switch
    {
        404 => "the incoming webhook URL is wrong or was removed: check the receiver's slack.url",
        403 => "the webhook was revoked or may not post to its channel",
        400 => "Slack refused the message",
        _ => null,
    };
}
