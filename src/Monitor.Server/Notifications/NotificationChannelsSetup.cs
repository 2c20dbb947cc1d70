using Monitor.Core.Notifications;
using Monitor.Core.Ports;
using Monitor.Notifications;
using Monitor.Server.Webhooks;

namespace Monitor.Server.Notifications;

public static class NotificationChannelsSetup
{
    /// <summary>
    /// Registers the receivers' side of notifications (docs/api.md, Notification policy): the checks of receiver settings
    /// and templates, the secret mask, the outbox the policy hands notifications to, a sender per receiver kind (HTTP
    /// ones through the webhooks' address guard) and the dispatcher, with the options of <c>Monitor:Webhooks</c>.
    /// </summary>
    public static IServiceCollection AddNotificationChannels(this IServiceCollection services)
    {
        foreach (var check in ReceiverChecks.All)
        {
            services.AddSingleton<IPolicyCheck>(check);
        }

        services.AddSingleton<IReceiverSecrets, ReceiverSecretMask>();
        services.AddSingleton<IPolicyInForce, PolicyInForce>();
        services.AddSingleton<INotificationOutbox, NotificationOutbox>();
        services.AddSingleton(s =>
        {
            var options = s.GetRequiredService<WebhookOptions>();
            return new HttpNotificationPoster(new GuardedHttp(
                s.GetRequiredService<WebhookAddressGuard>(), options.Timeout, s.GetRequiredService<TimeProvider>(), "Monitor-Notifications"));
        });
        services.AddSingleton<INotificationSender, SlackSender>();
        services.AddSingleton<INotificationSender, TeamsSender>();
        services.AddSingleton<INotificationSender, TelegramSender>();
        services.AddSingleton<INotificationSender, WebhookReceiverSender>();
        services.AddSingleton<INotificationSender>(s => new EmailSender(s.GetRequiredService<WebhookOptions>().Timeout, s.GetRequiredService<TimeProvider>()));
        services.AddHostedService<NotificationDispatcher>();
        return services;
    }
}
