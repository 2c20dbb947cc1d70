using Microsoft.Extensions.Options;
using Monitor.Storage;

namespace Monitor.Server.Notifications;

public static class NotificationSetup
{
    /// <summary>
    /// Registers the notification policy's store, the checks a policy passes before it is applied (receiver settings,
    /// templates: <see cref="Core.Notifications.IPolicyCheck"/>), and the runner that applies it (docs/api.md,
    /// Notification policy), with the options of <c>Monitor:Notifications</c>.
    /// </summary>
    public static IServiceCollection AddMonitorNotifications(this IServiceCollection services)
    {
        services.AddSingleton(s => s.GetRequiredService<IOptions<NotificationOptions>>().Value);
        services.AddSingleton(s => s.GetRequiredService<MonitorStore>().NotificationPolicy);
        services.AddSingleton<AlertGroups>();
        // Hands its notifications to the outbox that AddNotificationChannels registers.
        services.AddHostedService<NotificationPolicyRunner>();
        return services;
    }
}
