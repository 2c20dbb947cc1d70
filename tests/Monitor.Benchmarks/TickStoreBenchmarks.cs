using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;
using Monitor.Core.Market;
using Monitor.Core.Ports;
using Monitor.Storage;

namespace Monitor.Benchmarks;

/// <summary>
/// The raw insert rate of the tick store, shaped like the live service's load: 20 instruments, each appending
/// 50-tick batches from its own task (as its grain does), 1,000,000 ticks per invocation into an empty store.
/// Mean is nanoseconds per tick (ticks/s = 1e9 / Mean). PostgreSQL runs only when MONITOR_BENCH_POSTGRES holds a
/// connection string to a server this benchmark may create and drop databases on.
/// </summary>
[SimpleJob(RunStrategy.Monitoring, warmupCount: 1, iterationCount: 5)]
public class TickStoreBenchmarks
{
    public const int Instruments = 20;
    public const int TicksPerInstrument = 50_000;
    public const int BatchSize = 50;

    private readonly string _directory = Directory.CreateTempSubdirectory("monitor-bench-").FullName;
    private StoredTick[][] _ticks = [];
    private InstrumentId[] _ids = [];
    private MonitorStore? _store;
    private string? _database;

    [ParamsSource(nameof(Providers))]
    public string Provider { get; set; } = StorageOptions.SqliteProvider;

    public static IEnumerable<string> Providers() => BenchmarkPostgres.Providers();

    [GlobalSetup]
    public void Setup()
    {
        _ids = [.. Enumerable.Range(0, Instruments).Select(i => InstrumentId.Parse($"BENCH:I{i}"))];
        var start = new DateTimeOffset(2026, 1, 5, 0, 0, 0, TimeSpan.Zero);
        _ticks = [.. Enumerable.Range(0, Instruments).Select(i => Enumerable.Range(0, TicksPerInstrument)
            .Select(k => new StoredTick(k + 1, start.AddMilliseconds(k * 250), 100 + (k % 97) * 0.01, 1, k + 1, Late: false))
            .ToArray())];
    }

    [IterationSetup]
    public void OpenEmptyStore() => _store = Provider == StorageOptions.PostgresProvider
        ? OpenPostgres()
        : MonitorStore.OpenSqlite(Path.Combine(_directory, $"{Guid.NewGuid():N}.db"));

    [Benchmark(OperationsPerInvoke = Instruments * TicksPerInstrument)]
    public Task AppendConcurrently() => Task.WhenAll(Enumerable.Range(0, Instruments).Select(async i =>
    {
        var ticks = _ticks[i].AsMemory();
        for (int offset = 0; offset < ticks.Length; offset += BatchSize)
        {
            await _store!.Ticks.AppendAsync(_ids[i], ticks.Slice(offset, BatchSize));
        }
    }));

    [IterationCleanup]
    public void CloseStore()
    {
        _store!.DisposeAsync().AsTask().GetAwaiter().GetResult();
        if (_database is not null)
        {
            BenchmarkPostgres.DropDatabase(_database);
            _database = null;
        }
    }

    [GlobalCleanup]
    public void RemoveFiles() => Directory.Delete(_directory, recursive: true);

    private MonitorStore OpenPostgres()
    {
        (_database, string connectionString) = BenchmarkPostgres.CreateDatabase();
        return MonitorStore.OpenPostgresAsync(connectionString).GetAwaiter().GetResult();
    }
}
