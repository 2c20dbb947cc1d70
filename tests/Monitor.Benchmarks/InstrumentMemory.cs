using System.Runtime;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Monitor.Core.Market;
using Monitor.Core.Rules;
using Monitor.Grains;
using Monitor.Grains.Alerts;
using Monitor.Grains.Rules;
using Monitor.Server.Hosting;
using Monitor.Storage;
using Orleans.Serialization;
using Orleans.Storage;

namespace Monitor.Benchmarks;

/// <summary>
/// Managed heap per active instrument: <c>dotnet run -c Release --project tests/Monitor.Benchmarks -- memory [N]</c>.
/// One silo in this process with the server's grains and SQLite stores (grain state in SQLite as the server keeps it);
/// N instruments are added (the default three intervals, the standard indicators) with one RSI rule each, and each gets
/// a day of minute ticks so every bar, indicator and rule window is full. The heap after a full, compacting collection
/// is read with the instruments active, and the difference to the heap before them, divided by N, is the figure.
/// </summary>
internal static class InstrumentMemory
{
    public static async Task<int> RunAsync(int count)
    {
        string directory = Directory.CreateTempSubdirectory("monitor-memory-").FullName;
        try
        {
            var catalog = InstrumentCatalog.BuiltIn();
            var store = await MonitorStore.OpenAsync(new StorageOptions { Sqlite = { Path = Path.Combine(directory, "monitor.db") } });
            var ids = Enumerable.Range(1, count).Select(i => InstrumentId.Parse($"GEN:I{i:D5}")).ToArray();
            var start = new DateTimeOffset(2026, 3, 2, 0, 0, 0, TimeSpan.Zero);
            foreach (var id in ids)
            {
                catalog.Put(new InstrumentDefinition(id, id.Value, InstrumentKind.Future, "USD", "t", InstrumentDefinition.DefaultIntervals, PreciousMetal: false));
                var rule = RuleJson.Parse($$"""{"id":"rsi-{{id.Value.Replace(':', '-')}}","type":"threshold","interval":"1m","params":{"input":"{{id}}@rsi(14)","op":"above","value":70} }""").Rule!;
                await store.Rules.PutAsync(rule, start, "benchmark");
            }

            using var host = Host.CreateDefaultBuilder()
                .ConfigureLogging(logging => logging.SetMinimumLevel(LogLevel.Warning))
                .UseOrleans(silo =>
                {
                    silo.UseLocalhostClustering(siloPort: FreePort(), gatewayPort: FreePort());
                    silo.Services.AddKeyedSingleton<IGrainStorage>(MonitorGrainStorage.Name, (services, _) =>
                        new SqliteGrainStorage(SqliteGrainStorage.PathBeside(Path.Combine(directory, "monitor.db")), services.GetRequiredService<Serializer>()));
                    silo.Services.AddSingleton(TimeProvider.System);
                    silo.Services.AddSingleton(catalog);
                    silo.Services.AddSingleton(store.Ticks);
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
                })
                .Build();
            await host.StartAsync();
            var grains = host.Services.GetRequiredService<IGrainFactory>();
            await grains.GetGrain<IInstrumentGrain>("COMEX:SI").GetSnapshotAsync(); // the silo's own grains and caches
            long before = HeapAfterFullCollection();

            var day = Enumerable.Range(0, 24 * 60).ToArray();
            await Parallel.ForEachAsync(ids, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (id, _) =>
            {
                var ticks = day.Select(m => new Tick(id, start.AddMinutes(m), 100 + (5 * Math.Sin(m / 30.0)), 1, m + 1)).ToArray();
                await grains.GetGrain<IInstrumentGrain>(id.Value).IngestAsync(new TickBatch(ticks));
            });
            long after = HeapAfterFullCollection();

            Console.WriteLine($"instruments: {count}, heap before: {before / 1024.0 / 1024:F1} MiB, with them active: {after / 1024.0 / 1024:F1} MiB, " +
                $"per instrument: {(after - before) / 1024.0 / count:F1} KiB");
            await host.StopAsync();
            await store.DisposeAsync();
            return 0;
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(directory, recursive: true);
        }
    }

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static long HeapAfterFullCollection()
    {
        GCSettings.LargeObjectHeapCompactionMode = GCLargeObjectHeapCompactionMode.CompactOnce;
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        return GC.GetGCMemoryInfo(GCKind.FullBlocking).HeapSizeBytes;
    }
}
