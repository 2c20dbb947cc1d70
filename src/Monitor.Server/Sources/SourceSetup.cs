using Monitor.Core.Ports;
using Microsoft.Extensions.Options;
using Monitor.Server.Webhooks;
using Monitor.Storage;

namespace Monitor.Server.Sources;

public static class SourceSetup
{
    /// <summary>The keyed <see cref="WebhookAddressGuard"/> sources connect through, with <c>Monitor:Sources:AllowPrivateNetworks</c>.</summary>
    public const string GuardKey = "sources";

    /// <summary>
    /// Registers the data sources: the webhooks' address guard with the sources' own setting, the fetcher, the runner,
    /// the scheduler, and the seeding of the sources configured under <c>Monitor:Sources:Definitions</c>. Their options,
    /// <c>Monitor:Sources</c>, are bound and validated with the others' (<see cref="Hosting.MonitorOptions"/>).
    /// </summary>
    public static IServiceCollection AddMonitorSources(this IServiceCollection services)
    {
        services.AddSingleton(s => s.GetRequiredService<IOptions<SourceOptions>>().Value);
        services.AddKeyedSingleton(GuardKey, (s, _) =>
            new WebhookAddressGuard(s.GetRequiredService<SourceOptions>().AllowPrivateNetworks, SourceOptions.Section + ":AllowPrivateNetworks"));
        services.AddSingleton(s => new SourceFetcher(
            SourceFetcher.CreateClient(s.GetRequiredKeyedService<WebhookAddressGuard>(GuardKey)), s.GetRequiredService<SourceOptions>(), s.GetRequiredService<TimeProvider>()));
        services.AddSingleton<SourceIngest>();
        services.AddSingleton<SourceLateAlerts>();
        services.AddSingleton<SourceRunner>();
        services.AddSingleton<SourceScheduler>();
        services.AddHostedService<SourceSeeder>();
        services.AddHostedService(s => s.GetRequiredService<SourceScheduler>());
        return services;
    }
}

/// <summary>At start, stores the sources configured under <c>Monitor:Sources:Definitions</c> (<see cref="ISourceStore.SeedAsync"/>).</summary>
internal sealed class SourceSeeder(IConfiguration configuration, ISourceStore sources, TimeProvider clock) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var problems = new List<string>();
        var definitions = SourceConfiguration.Read(configuration, problems);
        if (problems.Count > 0)
        {
            throw new OptionsValidationException(SourceConfiguration.Section, typeof(SourceOptions), problems);
        }

        var now = clock.GetUtcNow();
        foreach (var (definition, hash) in definitions)
        {
            var state = SourceState.Empty with { NextFetchAt = definition.Enabled ? SourceSchedule.NextFetchAt(definition, now) : null };
            await sources.SeedAsync(definition, hash, now, state.NextFetchAt, SourceSchedule.DueAt(definition, state), cancellationToken).ConfigureAwait(false);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
