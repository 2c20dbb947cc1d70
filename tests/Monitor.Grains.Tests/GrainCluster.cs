using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Monitor.Core.Market;
using Monitor.Grains;
using Monitor.Grains.Rules;
using Monitor.Storage;
using Orleans.TestingHost;

namespace Monitor.Grains.Tests;

/// <summary>
/// One in-process silo with the real grains, a real SQLite store in a temporary directory, memory grain storage and
/// fake time: the silo's <see cref="TimeProvider"/> is <see cref="Time"/>, so grain timers fire when a test advances it.
/// </summary>
public sealed class GrainCluster : IAsyncLifetime
{
    // The silo is built by type, so it finds the test's clock and store here. One cluster per test class runs at a time.
    private static FakeTimeProvider? s_time;
    private static MonitorStore? s_store;

    private readonly string _directory = Directory.CreateTempSubdirectory("monitor-grains-").FullName;

    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 3, 2, 9, 0, 0, TimeSpan.Zero));

    public TestCluster Cluster { get; private set; } = null!;

    public MonitorStore Store { get; private set; } = null!;

    public IGrainFactory Grains => Cluster.GrainFactory;

    public async Task InitializeAsync()
    {
        Store = await MonitorStore.OpenAsync(new StorageOptions { Sqlite = { Path = Path.Combine(_directory, "monitor.db") } });
        (s_time, s_store) = (Time, Store);
        var builder = new TestClusterBuilder(1);
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
        await Store.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    private sealed class SiloSetup : ISiloConfigurator
    {
        public void Configure(ISiloBuilder silo)
        {
            var store = s_store!;
            silo.AddMemoryGrainStorage(MonitorGrainStorage.Name);
            silo.Services.AddSingleton<TimeProvider>(s_time!);
            silo.Services.AddSingleton(InstrumentCatalog.BuiltIn());
            silo.Services.AddSingleton(store.Ticks);
            silo.Services.AddSingleton(store.Bars);
            silo.Services.AddSingleton(store.Inventory);
            silo.Services.AddSingleton(store.Rules);
            silo.Services.AddSingleton(store.Alerts);
            silo.Services.AddOptions<RuleGrainOptions>();
        }
    }
}
