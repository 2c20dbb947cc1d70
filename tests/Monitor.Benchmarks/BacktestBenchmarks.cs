using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;
using Monitor.Core.Backtesting;
using Monitor.Core.Market;
using Monitor.Core.Ports;
using Monitor.Core.Rules;
using Monitor.Storage;

namespace Monitor.Benchmarks;

/// <summary>
/// A backtest side by side with a plain scan of the same rows from the same store. The store holds 1,000,000 ticks
/// each of COMEX:SI, COMEX:GC, ETF:SLV and ETF:GLD, four ticks a second (about three days); four rules (RSI threshold
/// and MACD cross on 1m bars, a gold/silver z-score on 1h bars, a per-tick percent move) read the first three, so
/// both read the same 3,000,000 rows. <see cref="BacktestFirstQuarter"/> runs the same rules over the first quarter
/// of the range (750,000 rows): what a run allocates does not grow with the range, so its allocation per tick is
/// about four times the whole range's. Mean is nanoseconds per tick read (ticks/s = 1e9 / Mean). PostgreSQL runs
/// only when MONITOR_BENCH_POSTGRES holds a connection string to a server this benchmark may create and drop
/// databases on.
/// </summary>
[MemoryDiagnoser]
[SimpleJob(RunStrategy.Monitoring, warmupCount: 1, iterationCount: 5)]
public class BacktestBenchmarks
{
    private const int TicksPerInstrument = 1_000_000;
    private static readonly DateTimeOffset Start = new(2025, 1, 6, 0, 0, 0, TimeSpan.Zero);
    private static readonly InstrumentId[] Stored = [.. new[] { "COMEX:SI", "COMEX:GC", "ETF:SLV", "ETF:GLD" }.Select(InstrumentId.Parse)];

    private const string Rules = """
        [{"id":"si-rsi","type":"threshold","interval":"1m","params":{"input":"COMEX:SI@rsi(14)","op":"above","value":70}},
         {"id":"gc-macd","type":"indicatorCross","interval":"1m","params":{"fast":"COMEX:GC@macd(12,26,9).macd","slow":"COMEX:GC@macd(12,26,9).signal"}},
         {"id":"ratio","type":"ratioZScore","interval":"1h","params":{"numerator":"COMEX:GC","denominator":"COMEX:SI","window":"48","z":2}},
         {"id":"slv-move","type":"percentMove","evaluate":"tick","interval":"1m","params":{"input":"ETF:SLV","window":"PT1H","minPct":1}}]
        """;

    private readonly string _directory = Directory.CreateTempSubdirectory("monitor-bench-backtest-").FullName;
    private IReadOnlyList<RuleDefinition> _rules = [];
    private MonitorStore _store = null!;
    private string? _database;

    [ParamsSource(nameof(Providers))]
    public string Provider { get; set; } = StorageOptions.SqliteProvider;

    public static IEnumerable<string> Providers() => BenchmarkPostgres.Providers();

    [GlobalSetup]
    public void Setup()
    {
        _rules = RuleJson.ParseList(Rules).Rules;
        _store = Provider == StorageOptions.PostgresProvider
            ? OpenPostgres()
            : MonitorStore.OpenSqlite(Path.Combine(_directory, "backtest.db"));
        var random = new Random(6);
        Task.WhenAll(Stored.Select((id, i) => FillAsync(id, 30 * (i + 1), random.Next()))).GetAwaiter().GetResult();
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = 3 * TicksPerInstrument)]
    public async Task<double> PlainScan()
    {
        double sum = 0;
        foreach (var id in Stored[..3])
        {
            await foreach (var block in _store.Ticks.ReadBlocksAsync(id, DateTimeOffset.UnixEpoch, DateTimeOffset.MaxValue))
            {
                foreach (ref readonly var tick in block.Span)
                {
                    sum += tick.Price;
                }
            }
        }

        return sum;
    }

    [Benchmark(OperationsPerInvoke = 3 * TicksPerInstrument)]
    public Task<int> Backtest() => RunAsync(null, null);

    [Benchmark(OperationsPerInvoke = 3 * TicksPerInstrument / 4)]
    public Task<int> BacktestFirstQuarter() => RunAsync(Start, Start.AddMilliseconds(TicksPerInstrument * 250.0 / 4));

    [GlobalCleanup]
    public void Cleanup()
    {
        _store.DisposeAsync().AsTask().GetAwaiter().GetResult();
        if (_database is not null)
        {
            BenchmarkPostgres.DropDatabase(_database);
        }

        Directory.Delete(_directory, recursive: true);
    }

    private async Task<int> RunAsync(DateTimeOffset? from, DateTimeOffset? to)
    {
        var engine = new BacktestEngine(_rules, BacktestEngine.IntervalsOf(InstrumentCatalog.BuiltIn()));
        return (await engine.RunAsync(new StoreBacktestSource(_store), from, to)).Alerts.Count;
    }

    private async Task FillAsync(InstrumentId id, double price, int seed)
    {
        var random = new Random(seed);
        var batch = new StoredTick[8192];
        for (int k = 0; k < TicksPerInstrument; k += batch.Length)
        {
            int count = Math.Min(batch.Length, TicksPerInstrument - k);
            for (int i = 0; i < count; i++)
            {
                price *= 1 + (0.0004 * (random.NextDouble() - 0.5));
                batch[i] = new StoredTick(k + i + 1, Start.AddMilliseconds((k + i) * 250.0), price, 1 + random.Next(9), k + i + 1, Late: false);
            }

            await _store.Ticks.AppendAsync(id, batch.AsMemory(0, count));
        }
    }

    private MonitorStore OpenPostgres()
    {
        (_database, string connectionString) = BenchmarkPostgres.CreateDatabase();
        return MonitorStore.OpenPostgresAsync(connectionString).GetAwaiter().GetResult();
    }
}
