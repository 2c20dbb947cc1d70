using Microsoft.Extensions.Options;

namespace Monitor.Server.Webhooks;

public static class WebhookSetup
{
    /// <summary>
    /// Registers the SSRF guard, the sender, the retry policy (with random jitter) and the dispatcher (docs/api.md, Webhooks) with the options of
    /// <c>Monitor:Webhooks</c>, validated at start (<see cref="Hosting.MonitorOptions"/>).
    /// </summary>
    public static IServiceCollection AddMonitorWebhooks(this IServiceCollection services)
    {
        services.AddSingleton(s => s.GetRequiredService<IOptions<WebhookOptions>>().Value);
        services.AddSingleton(s => new WebhookAddressGuard(s.GetRequiredService<WebhookOptions>().AllowPrivateNetworks));
        services.AddSingleton(s => new WebhookSender(
            s.GetRequiredService<WebhookAddressGuard>(), s.GetRequiredService<WebhookOptions>().Timeout, s.GetRequiredService<TimeProvider>()));
        services.AddSingleton(s => new WebhookRetryPolicy(s.GetRequiredService<WebhookOptions>().RetrySchedule, Random.Shared.NextDouble));
        services.AddHostedService<WebhookDispatcher>();
        return services;
    }
}
