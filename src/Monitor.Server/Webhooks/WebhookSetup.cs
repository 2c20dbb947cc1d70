using Monitor.Core.Ports;
using Monitor.Server.Webhooks;

namespace Monitor.Server.Webhooks;

public static class WebhookSetup
{
    /// <summary>
    /// Registers the SSRF guard, the sender and the dispatcher (docs/api.md, Webhooks) with the options of
    /// <c>Monitor:Webhooks</c>, validated at start by <see cref="MonitorOptions"/>.
    /// </summary>
    public static IServiceCollection AddMonitorWebhooks(this IServiceCollection services, WebhookOptions options)
    {
        services.AddSingleton(options);
        services.AddSingleton(new WebhookAddressGuard(options.AllowPrivateNetworks));
        services.AddSingleton(s => new WebhookSender(s.GetRequiredService<WebhookAddressGuard>(), options.ParsedTimeout, s.GetRequiredService<TimeProvider>()));
        services.AddHostedService<WebhookDispatcher>();
        return services;
    }
}
