using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;
using Monitor.Core.Market;
using Monitor.Core.Ports;
using Monitor.Core.Simulation;
using Monitor.Grains;
using Monitor.Grains.Alerts;
using Monitor.Grains.Rules;
using Monitor.Server.Api;
using Monitor.Server.Ingest;
using Monitor.Server.Live;
using Monitor.Server.Sources;
using Monitor.Server.Notifications;
using Monitor.Server.Webhooks;
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
        var configuration = builder.Configuration;
        bool demoFeed = MonitorOptions.Read<DemoFeedOptions>(configuration, DemoFeedOptions.Section).Enabled;
        MonitorOptions.Validate(configuration, demoFeed);
        var cluster = MonitorOptions.Read<ClusterOptions>(configuration, ClusterOptions.Section);
        var storage = MonitorOptions.Read<StorageOptions>(configuration, "Monitor:Storage");
        var auth = MonitorOptions.Read<AuthOptions>(configuration, AuthOptions.Section);
        bool dashboard = MonitorOptions.Read<DashboardHostingOptions>(configuration, DashboardHostingOptions.Section).Enabled;
        string? postgres = configuration.GetConnectionString("Monitor");

        if (string.IsNullOrEmpty(builder.Configuration["urls"]))
        {
            builder.WebHost.UseUrls(DefaultUrl);
        }

        builder.Services.AddMonitorOptions(demoFeed);
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton(InstrumentCatalog.BuiltIn());
        builder.Services.AddSingleton<GrainCalls>();
        builder.Services.AddSingleton<Api.InstrumentSnapshots>();
        builder.Services.AddSingleton<InventoryIngest>();
        builder.Services.AddSingleton<TickIngest>();
        builder.Services.AddSingleton<ProblemDetailsWriter>();
        builder.Services.AddProblemDetails();
        builder.Services.AddExceptionHandler<BadRequestExceptionHandler>();
        builder.Services.AddExceptionHandler<ClusterChangeExceptionHandler>();
        builder.Services.AddExceptionHandler<StoreUnavailableExceptionHandler>();
        builder.Services.AddSingleton<StoreWriteFailures>();

        // Framework-refused requests reach BadRequestExceptionHandler, which says why.
        builder.Services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        builder.Services.ConfigureHttpJsonOptions(o => FiniteNumberConverter.AddTo(o.SerializerOptions));
        builder.Services.AddOpenApi();
        builder.Services.AddHealthChecks().AddCheck<ReadinessCheck>(ReadinessCheck.Name);
        builder.Services.AddSignalR().AddJsonProtocol(o => FiniteNumberConverter.AddTo(o.PayloadSerializerOptions));
        builder.Services.AddSingleton<MarketHubLifetimeManager>();
        builder.Services.AddSingleton<HubLifetimeManager<MarketHub>>(s => s.GetRequiredService<MarketHubLifetimeManager>());
        builder.Services.AddMonitorTelemetry(configuration, cluster);
        builder.Services.AddMonitorAuth(auth);
        builder.Services.AddMonitorStorage();
        builder.Services.AddSingleton<AlertPublisher>();
        builder.Services.AddSingleton<RelayOutbox>();
        builder.Services.AddSingleton(s => s.GetRequiredService<IOptions<BacktestOptions>>().Value);
        builder.Services.AddSingleton<BacktestRunner>();
        builder.Services.AddMonitorWebhooks();
        builder.Services.AddMonitorNotifications();
        builder.Services.AddNotificationChannels();
        builder.UseOrleans(silo => ConfigureSilo(silo, cluster, storage.Provider, dashboard, configuration, postgres));

        // Registered after the silo: these start once it runs and stop before it does.
        builder.Services.AddHostedService<MarketRelayService>();
        builder.Services.AddHostedService<QuotePushService>();
        builder.Services.AddHostedService<InstrumentCatalogSync>();
        builder.Services.AddMonitorSources();
        if (demoFeed)
        {
            builder.Services.AddSingleton(s => s.GetRequiredService<IOptions<SimulatorOptions>>().Value);
            builder.Services.AddHostedService<DemoFeedService>();
        }

        return builder;
    }

    public static WebApplication UseMonitor(this WebApplication app)
    {
        app.UseSecurityHeaders();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseBoard();
        app.UseWebSockets();
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapOpenApi("/openapi/{documentName}.json");
        app.MapHealthChecks("/health/live", new() { Predicate = _ => false });
        app.MapHealthChecks("/health/ready", new() { ResponseWriter = ReadinessCheck.WriteAsync });
        app.MapIngestApi();
        app.MapInstrumentsApi();
        app.MapInstrumentAdminApi();
        app.MapDerivedSeriesApi();
        app.MapTickDeletionApi();
        app.MapRulesApi();
        app.MapRuleBatchApi();
        app.MapAlertsApi();
        app.MapAlertHandlingApi();
        app.MapBacktestsApi();
        app.MapWebhooksApi();
        app.MapNotificationsApi();
        app.MapNotificationLogApi();
        app.MapSessionApi();
        app.MapClusterApi();
        app.MapSourcesApi();
        if (app.Services.GetRequiredService<IOptions<DashboardHostingOptions>>().Value.Enabled)
        {
            app.MapMonitorDashboard();
        }

        app.MapHub<MarketHub>(MarketHub.Path).RequireAuthorization(Policies.Read);
        return app;
    }

    private static void ConfigureSilo(
        ISiloBuilder silo, ClusterOptions cluster, string storageProvider, bool dashboard, IConfiguration configuration, string? postgres)
    {
        // Orleans' own membership timing (ProbeTimeout, NumMissedProbesLimit, ...), its defaults unless set: tests
        // and small clusters declare a killed silo dead in about a second instead of several.
        silo.Services.Configure<ClusterMembershipOptions>(configuration.GetSection("Monitor:Cluster:Membership"));
        // An instrument deactivates itself after Monitor:Instruments:IdleAfter without ingest; Orleans' own collector,
        // which counts any call, must not take it earlier.
        silo.Services.AddOptions<GrainCollectionOptions>().Configure<IOptions<InstrumentGrainOptions>>((o, instruments) =>
            o.ClassSpecificCollectionAge[typeof(InstrumentGrain).FullName!] = instruments.Value.IdleAfter + o.CollectionQuantum);
        if (cluster.Mode == ClusterOptions.AdoNet)
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

        if (dashboard)
        {
            silo.AddDashboard();
        }

        if (storageProvider == StorageOptions.PostgresProvider)
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
                string path = services.GetRequiredService<IOptions<StorageOptions>>().Value.Sqlite.Path;
                return new SqliteGrainStorage(SqliteGrainStorage.PathBeside(path), services.GetRequiredService<Serializer>());
            });
        }
    }
}
