using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;
using Monitor.Core.Market;
using Monitor.Core.Simulation;
using Monitor.Grains;
using Monitor.Grains.Rules;
using Monitor.Server.Api;
using Monitor.Server.Ingest;
using Monitor.Server.Live;
using Monitor.Storage;
using Orleans.Configuration;
using Orleans.Dashboard;
using Orleans.Serialization;
using Orleans.Storage;

namespace Monitor.Server.Hosting;

/// <summary>Composition of the host: options, storage, the co-hosted Orleans silo, auth and the HTTP API.</summary>
public static class MonitorHosting
{
    public const string DefaultUrl = "http://127.0.0.1:5080";

    public static WebApplicationBuilder AddMonitor(this WebApplicationBuilder builder)
    {
        var section = builder.Configuration.GetSection(MonitorOptions.Section);
        var options = section.Get<MonitorOptions>() ?? new MonitorOptions();
        Validate(options);
        string? postgres = builder.Configuration.GetConnectionString("Monitor");
        if (options.Storage.Provider == "postgres" && string.IsNullOrWhiteSpace(postgres))
        {
            throw new OptionsValidationException(MonitorOptions.Section, typeof(MonitorOptions),
                ["Monitor:Storage:Provider=postgres needs ConnectionStrings:Monitor (an Npgsql connection string)"]);
        }

        if (string.IsNullOrEmpty(builder.Configuration["urls"]))
        {
            builder.WebHost.UseUrls(DefaultUrl);
        }

        builder.Services.AddOptions<MonitorOptions>().Bind(section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton(InstrumentCatalog.BuiltIn());
        builder.Services.AddSingleton<GrainCalls>();
        builder.Services.AddSingleton<InventoryIngest>();
        builder.Services.AddSingleton<ProblemDetailsWriter>();
        builder.Services.AddProblemDetails();
        builder.Services.AddExceptionHandler<ClusterChangeExceptionHandler>();
        builder.Services.AddOpenApi();
        builder.Services.AddHealthChecks().AddCheck<ReadinessCheck>(ReadinessCheck.Name);
        builder.Services.AddSignalR();
        builder.Services.AddMonitorTelemetry(builder.Configuration, options.Cluster);
        builder.Services.AddMonitorAuth(options.Auth);
        builder.Services.AddMonitorStorage(options.Storage, postgres);
        builder.Services.AddSingleton(options.Backtests);
        builder.Services.AddSingleton<BacktestRunner>();
        builder.Services.AddMonitorWebhooks(options.Webhooks);
        builder.Services.AddOptions<RuleGrainOptions>().Bind(section.GetSection("Rules"))
            .Validate(
                o => o.InputIdleAfter >= RuleGrainOptions.FeedInterval,
                $"Monitor:Rules:InputIdleAfter must be at least {RuleGrainOptions.FeedInterval} (how often instruments feed the rule grains)")
            .ValidateOnStart();
        builder.UseOrleans(silo => ConfigureSilo(silo, options, section, postgres));

        // Registered after the silo: these start once it runs and stop before it does.
        builder.Services.AddHostedService<MarketRelayService>();
        builder.Services.AddHostedService<InstrumentCatalogSync>();
        if (options.DemoFeed.Enabled)
        {
            builder.Services.AddSingleton(DemoFeedSimulatorOptions(section.GetSection("DemoFeed")));
            builder.Services.AddHostedService<DemoFeedService>();
        }

        return builder;
    }

    public static WebApplication UseMonitor(this WebApplication app)
    {
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseBoard();
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapOpenApi("/openapi/{documentName}.json");
        app.MapHealthChecks("/health/live", new() { Predicate = _ => false });
        app.MapHealthChecks("/health/ready");
        app.MapIngestApi();
        app.MapInstrumentsApi();
        app.MapInstrumentAdminApi();
        app.MapRulesApi();
        app.MapAlertsApi();
        app.MapBacktestsApi();
        app.MapWebhooksApi();
        app.MapSessionApi();
        app.MapClusterApi();
        if (app.Services.GetRequiredService<IOptions<MonitorOptions>>().Value.Dashboard.Enabled)
        {
            app.MapMonitorDashboard();
        }

        app.MapHub<MarketHub>(MarketHub.Path).RequireAuthorization(Policies.Read);
        return app;
    }

    private static void ConfigureSilo(ISiloBuilder silo, MonitorOptions options, IConfigurationSection section, string? postgres)
    {
        var cluster = options.Cluster;

        // Orleans' own membership timing (ProbeTimeout, NumMissedProbesLimit, ...), its defaults unless set: tests
        // and small clusters declare a killed silo dead in about a second instead of several.
        silo.Services.Configure<ClusterMembershipOptions>(section.GetSection("Cluster:Membership"));
        if (cluster.Mode == "adonet")
        {
            silo.UseAdoNetClustering(o =>
            {
                o.Invariant = "Npgsql";
                o.ConnectionString = postgres;
            });
            silo.Configure<ClusterOptions>(o =>
            {
                o.ClusterId = cluster.ClusterId;
                o.ServiceId = cluster.ServiceId;
            });
            if (cluster.Kubernetes)
            {
                // Kubernetes hosting advertises the pod's IP and listens on every address.
                silo.Configure<EndpointOptions>(o => (o.SiloPort, o.GatewayPort) = (cluster.SiloPort, cluster.GatewayPort));
                silo.UseKubernetesHosting();
            }
            else
            {
                silo.ConfigureEndpoints(cluster.SiloPort, cluster.GatewayPort);
            }
        }
        else
        {
            silo.UseLocalhostClustering(cluster.SiloPort, cluster.GatewayPort, serviceId: cluster.ServiceId, clusterId: cluster.ClusterId);
        }

        if (options.Dashboard.Enabled)
        {
            silo.AddDashboard();
        }

        if (options.Storage.Provider == "postgres")
        {
            // Orleans' binary serializer, as in SQLite mode: it honours the surrogates of Monitor.Core's types,
            // which the provider's default JSON serializer does not.
            silo.AddAdoNetGrainStorage(MonitorGrainStorage.Name, (OptionsBuilder<AdoNetGrainStorageOptions> builder) =>
                builder.Configure<Serializer>((o, serializer) =>
                {
                    o.Invariant = "Npgsql";
                    o.ConnectionString = postgres;
                    o.GrainStorageSerializer = new OrleansGrainStorageSerializer(serializer);
                }));
        }
        else
        {
            // A file of its own beside the store: grain state writes never wait on the tick writer's lock (and stall
            // a grain while they do). Opening the store first creates the directory.
            silo.Services.AddKeyedSingleton<IGrainStorage>(MonitorGrainStorage.Name, (services, _) =>
            {
                services.GetRequiredService<MonitorStore>();
                return new SqliteGrainStorage(SqliteGrainStorage.PathBeside(options.Storage.Sqlite.Path), services.GetRequiredService<Serializer>());
            });
        }
    }

    private static SimulatorOptions DemoFeedSimulatorOptions(IConfiguration section)
    {
        var simulator = section.Get<SimulatorOptions>() ?? new SimulatorOptions();
        var problems = simulator.Validate();
        return problems.Count == 0
            ? simulator
            : throw new OptionsValidationException("Monitor:DemoFeed", typeof(SimulatorOptions), problems.Select(p => $"Monitor:DemoFeed: {p}"));
    }

    private static void Validate(MonitorOptions options)
    {
        var results = new List<ValidationResult>();
        if (!Validator.TryValidateObject(options, new ValidationContext(options), results, validateAllProperties: true))
        {
            throw new OptionsValidationException(MonitorOptions.Section, typeof(MonitorOptions), results.Select(r => r.ErrorMessage ?? "invalid"));
        }
    }
}
