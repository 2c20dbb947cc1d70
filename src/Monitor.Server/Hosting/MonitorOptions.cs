using Microsoft.Extensions.Options;
using Monitor.Core.Simulation;
using Monitor.Grains;
using Monitor.Grains.Rules;
using Monitor.Server.Sources;
using Monitor.Server.Api;
using Monitor.Server.Live;
using Monitor.Server.Notifications;
using Monitor.Server.Webhooks;
using Monitor.Storage;

namespace Monitor.Server.Hosting;

/// <summary>
/// The <c>Monitor:</c> configuration (docs/api.md, Configuration): each area is bound to its own options type and
/// validated when the host starts, so a setting that is not valid stops the server with a message naming its key.
/// </summary>
public static class MonitorOptions
{
    public const string Section = "Monitor";

    /// <summary>An area's settings as configured, for the composition that must choose before the host is built
    /// (clustering, storage providers, which features run); they are validated when the host starts.</summary>
    public static T Read<T>(IConfiguration configuration, string section)
        where T : class, new() =>
        configuration.GetSection(section).Get<T>() ?? new T();

    /// <summary>
    /// Validates every area now, exactly as the host will when it starts: the composition chooses clustering and
    /// storage from these settings before the host is built, and must not build on settings that are not valid.
    /// </summary>
    public static void Validate(IConfiguration configuration, bool demoFeed)
    {
        using var provider = new ServiceCollection().AddSingleton(configuration).AddMonitorOptions(demoFeed).BuildServiceProvider();
        provider.GetRequiredService<IStartupValidator>().Validate();
    }

    public static IServiceCollection AddMonitorOptions(this IServiceCollection services, bool demoFeed)
    {
        DurationConverter.Register();
        services.AddValidated<StorageOptions>("Monitor:Storage", StorageProblems)
            .PostConfigure<IConfiguration>((storage, configuration) => storage.ConnectionString = configuration.GetConnectionString("Monitor"));
        services.AddValidated<ClusterOptions>(ClusterOptions.Section, ClusterProblems)
            .Validate<IOptions<StorageOptions>>(
                (cluster, storage) => cluster.Mode != ClusterOptions.AdoNet || storage.Value.Provider == StorageOptions.PostgresProvider,
                "Monitor:Cluster:Mode=adonet keeps membership in PostgreSQL: set Monitor:Storage:Provider=postgres");
        services.AddValidated<AuthOptions>(AuthOptions.Section, AuthProblems);
        services.AddValidated<BacktestOptions>("Monitor:Backtests", BacktestProblems);
        services.AddValidated<WebhookOptions>(WebhookOptions.Section, webhooks => webhooks.Validate());
        services.AddValidated<NotificationOptions>(NotificationOptions.Section, notifications => notifications.Validate());
        services.AddValidated<DashboardHostingOptions>(DashboardHostingOptions.Section, _ => []);
        services.AddValidated<SourceOptions>(SourceOptions.Section, sources => sources.Validate());
        services.AddValidated<IngestOptions>(IngestOptions.Section, ingest => ingest.Validate());
        services.AddValidated<MarketHubOptions>(MarketHubOptions.Section, hub => hub.Validate());
        services.AddOptions<RuleGrainOptions>().BindConfiguration("Monitor:Rules")
            .Validate(
                o => o.InputIdleAfter >= RuleGrainOptions.FeedInterval,
                $"Monitor:Rules:InputIdleAfter must be at least {RuleGrainOptions.FeedInterval} (how often instruments feed the rule grains)")
            .ValidateOnStart();
        services.AddOptions<InstrumentGrainOptions>().BindConfiguration(InstrumentGrainOptions.Section)
            .Validate(
                o => o.IdleAfter >= WriteBehind.Interval,
                $"{InstrumentGrainOptions.Section}:IdleAfter must be at least {WriteBehind.Interval} (how often an instrument checks whether it is idle)")
            .ValidateOnStart();
        services.AddValidated<DemoFeedOptions>(DemoFeedOptions.Section, _ => []);
        if (demoFeed)
        {
            // The simulator's settings matter only when it runs.
            services.AddValidated<SimulatorOptions>(DemoFeedOptions.Section, simulator => simulator.Validate().Select(p => $"Monitor:DemoFeed: {p}"));
        }

        return services;
    }

    private static IEnumerable<string> StorageProblems(StorageOptions storage)
    {
        if (storage.Provider is not (StorageOptions.SqliteProvider or StorageOptions.PostgresProvider))
        {
            yield return $"Monitor:Storage:Provider is '{storage.Provider}'; use sqlite or postgres";
        }
        else if (storage.Provider == StorageOptions.PostgresProvider && string.IsNullOrWhiteSpace(storage.ConnectionString))
        {
            yield return "Monitor:Storage:Provider=postgres needs ConnectionStrings:Monitor (an Npgsql connection string)";
        }

        if (storage.TickRetention is { } retention && retention < TimeSpan.FromDays(1))
        {
            yield return $"Monitor:Storage:TickRetention is {retention}; keep ticks at least 1d (PostgreSQL drops them a whole day at a time)";
        }
    }

    private static IEnumerable<string> ClusterProblems(ClusterOptions cluster)
    {
        if (cluster.Mode is not (ClusterOptions.Localhost or ClusterOptions.AdoNet))
        {
            yield return $"Monitor:Cluster:Mode is '{cluster.Mode}'; use localhost or adonet";
        }

        if (cluster.Kubernetes && cluster.Mode != ClusterOptions.AdoNet)
        {
            yield return "Monitor:Cluster:Kubernetes=true needs Monitor:Cluster:Mode=adonet (membership stays in PostgreSQL)";
        }

        if (cluster.SiloPort is < 1 or > 65535 || cluster.GatewayPort is < 1 or > 65535)
        {
            yield return "Monitor:Cluster:SiloPort and GatewayPort must be TCP ports (1-65535)";
        }
    }

    private static IEnumerable<string> AuthProblems(AuthOptions auth)
    {
        for (int i = 0; i < auth.ApiKeys.Count; i++)
        {
            var key = auth.ApiKeys[i];
            if (string.IsNullOrWhiteSpace(key.Key) || key.Key.Length < 16)
            {
                yield return $"Monitor:Auth:ApiKeys:{i}:Key must be at least 16 characters";
            }

            foreach (var role in key.Roles.Where(r => r is not (Roles.Read or Roles.Ingest or Roles.Admin)))
            {
                yield return $"Monitor:Auth:ApiKeys:{i}:Roles has '{role}'; roles are read, ingest and admin";
            }
        }
    }

    private static IEnumerable<string> BacktestProblems(BacktestOptions backtests)
    {
        if (backtests.MaxConcurrent < 1 || backtests.MaxAlerts < 1)
        {
            yield return "Monitor:Backtests:MaxConcurrent and MaxAlerts must be at least 1";
        }
    }

    /// <summary>Binds <typeparamref name="T"/> to <paramref name="section"/>; at start, every problem <paramref name="problems"/> finds stops the host.</summary>
    private static OptionsBuilder<T> AddValidated<T>(this IServiceCollection services, string section, Func<T, IEnumerable<string>> problems)
        where T : class
    {
        services.AddSingleton<IValidateOptions<T>>(new ProblemsValidation<T>(problems));
        return services.AddOptions<T>().BindConfiguration(section).ValidateOnStart();
    }

    private sealed class ProblemsValidation<T>(Func<T, IEnumerable<string>> problems) : IValidateOptions<T>
        where T : class
    {
        public ValidateOptionsResult Validate(string? name, T options)
        {
            var found = problems(options).ToList();
            return found.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(found);
        }
    }
}
