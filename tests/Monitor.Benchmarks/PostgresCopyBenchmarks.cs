using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;
using Monitor.Core.Market;
using Monitor.Core.Ports;
using Monitor.Storage;
using Npgsql;
using NpgsqlTypes;

namespace Monitor.Benchmarks;

/// <summary>
/// The PostgreSQL tick store against the database's own ceiling, side by side on the same 1,000,000 ticks
/// (20 instruments of 50,000, as <see cref="TickStoreBenchmarks"/>). <c>RawCopy</c> is the ceiling: 20 tasks, each
/// with a connection of its own, COPY their instrument's ticks in one binary COPY into a plain table with the same
/// columns, primary key and index as the store's before partitioning. <c>StoreAppend</c> is the live path: 50-tick
/// appends through the group commit into the day-partitioned table, marks moved in the same transaction. A fresh
/// database each iteration. Runs only when MONITOR_BENCH_POSTGRES is set (see <see cref="BenchmarkPostgres"/>).
/// </summary>
[SimpleJob(RunStrategy.Monitoring, warmupCount: 1, iterationCount: 5)]
public class PostgresCopyBenchmarks
{
    private const string RawTable = """
        CREATE TABLE raw_ticks (
            idx bigint NOT NULL,
            time timestamptz NOT NULL,
            price double precision NOT NULL,
            volume double precision NOT NULL,
            seq bigint NOT NULL,
            instrument_id integer NOT NULL,
            late boolean NOT NULL,
            PRIMARY KEY (instrument_id, idx));
        CREATE INDEX raw_ticks_instrument_time ON raw_ticks (instrument_id, time);
        """;

    private StoredTick[][] _ticks = [];
    private InstrumentId[] _ids = [];
    private MonitorStore? _store;
    private string _database = "";
    private string _connectionString = "";

    [GlobalSetup]
    public void Setup()
    {
        _ids = [.. Enumerable.Range(0, TickStoreBenchmarks.Instruments).Select(i => InstrumentId.Parse($"BENCH:I{i}"))];
        var start = new DateTimeOffset(2026, 1, 5, 0, 0, 0, TimeSpan.Zero);
        _ticks = [.. Enumerable.Range(0, TickStoreBenchmarks.Instruments).Select(i => Enumerable.Range(0, TickStoreBenchmarks.TicksPerInstrument)
            .Select(k => new StoredTick(k + 1, start.AddMilliseconds(k * 250), 100 + (k % 97) * 0.01, 1, k + 1, Late: false))
            .ToArray())];
    }

    [IterationSetup(Target = nameof(RawCopy))]
    public void CreateRawTable()
    {
        (_database, _connectionString) = BenchmarkPostgres.CreateDatabase();
        using var connection = new NpgsqlConnection(_connectionString);
        connection.Open();
        using var command = new NpgsqlCommand(RawTable, connection);
        command.ExecuteNonQuery();
    }

    [IterationSetup(Target = nameof(StoreAppend))]
    public void OpenEmptyStore()
    {
        (_database, _connectionString) = BenchmarkPostgres.CreateDatabase();
        _store = MonitorStore.OpenPostgresAsync(_connectionString).GetAwaiter().GetResult();
        // The days ahead of the clock exist in the live service; these ticks are older, so make their day here.
        _store.Ticks.AppendAsync(InstrumentId.Parse("BENCH:WARM"), new[] { _ticks[0][0] }).AsTask().GetAwaiter().GetResult();
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = TickStoreBenchmarks.Instruments * TickStoreBenchmarks.TicksPerInstrument)]
    public Task RawCopy() => Task.WhenAll(Enumerable.Range(0, TickStoreBenchmarks.Instruments).Select(async i =>
    {
        await using var connection = new NpgsqlConnection(_connectionString);
        await connection.OpenAsync();
        await using var importer = await connection.BeginBinaryImportAsync(
            "COPY raw_ticks (idx, time, price, volume, seq, instrument_id, late) FROM STDIN (FORMAT BINARY)");
        foreach (var tick in _ticks[i])
        {
            await importer.StartRowAsync();
            await importer.WriteAsync(tick.Index, NpgsqlDbType.Bigint);
            await importer.WriteAsync(tick.Time.UtcDateTime, NpgsqlDbType.TimestampTz);
            await importer.WriteAsync(tick.Price, NpgsqlDbType.Double);
            await importer.WriteAsync(tick.Volume, NpgsqlDbType.Double);
            await importer.WriteAsync(tick.Seq, NpgsqlDbType.Bigint);
            await importer.WriteAsync(i + 1, NpgsqlDbType.Integer);
            await importer.WriteAsync(tick.Late, NpgsqlDbType.Boolean);
        }

        await importer.CompleteAsync();
    }));

    [Benchmark(OperationsPerInvoke = TickStoreBenchmarks.Instruments * TickStoreBenchmarks.TicksPerInstrument)]
    public Task StoreAppend() => Task.WhenAll(Enumerable.Range(0, TickStoreBenchmarks.Instruments).Select(async i =>
    {
        var ticks = _ticks[i].AsMemory();
        for (int offset = 0; offset < ticks.Length; offset += TickStoreBenchmarks.BatchSize)
        {
            await _store!.Ticks.AppendAsync(_ids[i], ticks.Slice(offset, TickStoreBenchmarks.BatchSize));
        }
    }));

    [IterationCleanup]
    public void DropDatabase()
    {
        _store?.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _store = null;
        BenchmarkPostgres.DropDatabase(_database);
    }
}
