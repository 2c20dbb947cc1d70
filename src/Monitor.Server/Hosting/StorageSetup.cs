using Microsoft.Extensions.Options;
using Monitor.Core.Ports;
using Monitor.Storage;

namespace Monitor.Server.Hosting;

public static class StorageSetup
{
    /// <summary>
    /// Registers the store of <c>Monitor:Storage</c> and its tick, bar, inventory, rule, alert, silence and webhook stores. The container disposes it on shutdown,
    /// after the silo has stopped, so the ticks queued for the group commit are stored.
    /// </summary>
    public static IServiceCollection AddMonitorStorage(this IServiceCollection services)
    {
        services.AddSingleton(s => MonitorStore.Create(s.GetRequiredService<IOptions<StorageOptions>>().Value));
        services.AddSingleton(s => s.GetRequiredService<MonitorStore>().Ticks);
        services.AddSingleton(s => s.GetRequiredService<MonitorStore>().Bars);
        services.AddSingleton(s => s.GetRequiredService<MonitorStore>().Inventory);
        services.AddSingleton(s => s.GetRequiredService<MonitorStore>().Rules);
        services.AddSingleton(s => s.GetRequiredService<MonitorStore>().Alerts);
        services.AddSingleton(s => s.GetRequiredService<MonitorStore>().Silences);
        services.AddSingleton(s => s.GetRequiredService<MonitorStore>().Webhooks);
        services.AddSingleton(s => s.GetRequiredService<MonitorStore>().Sources);
        services.AddSingleton(s => s.GetRequiredService<MonitorStore>().Notifications);
        services.AddSingleton(s => s.GetRequiredService<MonitorStore>().Snapshots);
        services.AddSingleton(s => s.GetRequiredService<MonitorStore>().Instruments);

        // Registered before the silo: the store (and in PostgreSQL the schema, Orleans' tables included) is ready
        // before Orleans' providers look for their tables and before any other hosted service starts.
        services.AddHostedService<StorePreparation>();
        services.AddSingleton(s => s.GetRequiredService<MonitorStore>().TickRetention);
        services.AddHostedService<TickRetentionService>();
        return services;
    }

    /// <summary>Prepares the store (PostgreSQL's schema migrations) as the host starts.</summary>
    private sealed class StorePreparation(MonitorStore store) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken) => store.PrepareAsync(cancellationToken);

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
