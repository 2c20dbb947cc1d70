using Monitor.Core.Notifications;
using Monitor.Core.Ports;
using Monitor.Server.Webhooks;

namespace Monitor.Server.Notifications;

/// <summary>Posts the stored Adaptive Card message to the receiver's Teams incoming webhook URL.</summary>
public sealed class TeamsSender(HttpNotificationPoster poster) : INotificationSender
{
    public string Kind => ReceiverKinds.Teams;

    public Task<AttemptResult> SendAsync(ReceiverSettings settings, ClaimedNotification notification, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(notification);
        var teams = (TeamsSettings)settings;
        return poster.PostAsync(teams.Url, notification.Payload, $"Teams incoming webhook on {teams.Url.Host}", Hint, [teams.Url.ToString(), teams.Url.AbsolutePath, teams.Url.Query], cancellationToken);
    }

    private static string? Hint(int status) => status switch
    {
        404 or 410 => "the incoming webhook URL is wrong or was removed: check the receiver's teams.url",
        401 or 403 => "the webhook's flow or connector refused the request",
        400 => "Teams refused the card",
        _ => null,
    };
}
