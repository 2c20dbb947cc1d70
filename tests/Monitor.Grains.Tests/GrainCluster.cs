using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Monitor.Core.Market;
using Monitor.Core.Ports;
using Monitor.Grains;
using Monitor.Grains.Alerts;
using Monitor.Grains.Rules;
using Monitor.Storage;
using Orleans.Configuration;
using Orleans.Serialization;
using Orleans.Storage;
using Orleans.TestingHost;

namespace Monitor.Grains.Tests;

/// <summary>
/// One in-process silo with the real grains, a real SQLite store in a temporary directory (its tick reads counted),
/// memory grain storage and fake time: the silo's <see cref="TimeProvider"/> is <see cref="Time"/>, so grain timers fire when a test advances it.
/// </summary>
public sealed class GrainCluster : IAsyncLifetime
{
    // The silo is built from a configurator type, in this process: it finds its cluster's clock and store here by id.
    private static readonly ConcurrentDictionary<string, GrainCluster> s_clusters = new();
    private const string IdKey = "GrainClusterId";

    private readonly string _id = Guid.NewGuid().ToString("N");

    private TemporaryStore _temporary = null!;

    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 3, 2, 9, 0, 0, TimeSpan.Zero));

    public TestCluster Cluster { get; private set; } = null!;

    public MonitorStore Store => _temporary.Store;

    /// <summary>The tick store as the grains see it, counting their reads.</summary>
    public CountingTickStore GrainTicks { get; private set; } = null!;

    /// <summary>The SQLite file of <see cref="Store"/>.</summary>
    public string DatabasePath => _temporary.DatabasePath;

    public IGrainFactory Grains => Cluster.GrainFactory;

    public async Task InitializeAsync()
    {
        _temporary = await TemporaryStore.OpenAsync();
        GrainTicks = new CountingTickStore(_temporary.Store.Ticks);
        s_clusters[_id] = this;
        var builder = new TestClusterBuilder(1);
        builder.Properties[IdKey] = _id;
        builder.AddSiloBuilderConfigurator<SiloSetup>();
        Cluster = builder.Build();
        await Cluster.DeployAsync();
    }

    public async Task DisposeAsync()
    {
        // Killed, not stopped: a graceful stop waits on the silo's clock, which only the tests move.
        foreach (var silo in Cluster.Silos.ToList())
        {
            await Cluster.KillSiloAsync(silo);
        }

        await Cluster.DisposeAsync();
        s_clusters.TryRemove(_id, out _);
        await _temporary.DisposeAsync();
    }

    private sealed class SiloSetup : ISiloConfigurator
    {
        public void Configure(ISiloBuilder silo)
        {
            var cluster = s_clusters[silo.Configuration[IdKey]!];
            var store = cluster.Store;
            // Orleans' own serializer, as the server's storage providers use: the state holds Monitor.Core's types.
            silo.AddMemoryGrainStorage(MonitorGrainStorage.Name, (OptionsBuilder<MemoryGrainStorageOptions> options) =>
                options.Configure<Serializer>((o, serializer) => o.GrainStorageSerializer = new OrleansGrainStorageSerializer(serializer)));
            silo.Services.AddSingleton<TimeProvider>(cluster.Time);
            silo.Services.AddSingleton(InstrumentCatalog.BuiltIn());
            silo.Services.AddSingleton<ITickStore>(cluster.GrainTicks);
            silo.Services.AddSingleton(store.Bars);
            silo.Services.AddSingleton(store.Inventory);
            silo.Services.AddSingleton(store.Rules);
            silo.Services.AddSingleton(store.Snapshots);
            silo.Services.AddSingleton(store.Instruments);
            silo.Services.AddSingleton(store.Alerts);
            silo.Services.AddSingleton<AlertPublisher>();
            silo.Services.AddSingleton<RelayOutbox>();
            silo.Services.AddSingleton<StoreWriteFailures>();
            silo.Services.AddOptions<RuleGrainOptions>();
            silo.Services.AddOptions<InstrumentGrainOptions>();
        }
    }
}
