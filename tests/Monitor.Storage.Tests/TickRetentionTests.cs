using Monitor.Core.Market;
using Monitor.Core.Ports;
using Monitor.Storage.Postgres;
using Monitor.Storage.Tests.Infrastructure;
using Monitor.Testing;
using Npgsql;
using static Monitor.Storage.Tests.Infrastructure.TestData;

namespace Monitor.Storage.Tests;

/// <summary>The ticks table's day partitions and tick retention; each PostgreSQL test has a database of its own.</summary>
public sealed class TickRetentionTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Now = new(2026, 12, 7, 10, 0, 0, TimeSpan.Zero);
    private string _connectionString = "";

    public async Task InitializeAsync() => _connectionString = await TestPostgres.CreateDatabaseAsync("monitor_retention");

    public Task DisposeAsync() => TestPostgres.DropDatabaseAsync(_connectionString);

    [Fact]
    public async Task Migrate_TicksInUnpartitionedTable_KeptReadableAndAppendsContinue()
    {
        await MigrateBeforePartitionsWithTicksAsync("2026-01-05", "1 hour", 200);

        await using var store = await MonitorStore.OpenPostgresAsync(_connectionString);
        var silver = InstrumentId.Parse("COMEX:SI");
        var next = new StoredTick(201, Now, 31, 2, 201, Late: false);
        await store.Ticks.AppendAsync(silver, new[] { next });
        await store.Ticks.AppendAsync(silver, new[] { next });

        var ticks = await store.Ticks.ReadAfterAsync(silver, 0).ToListAsync();
        Assert.Equal(Enumerable.Range(1, 201).Select(i => (long)i), ticks.Select(t => t.Index));
        Assert.Equal(next, ticks[^1]);
        Assert.Equal(new TickMark(201, 201), await store.Ticks.GetMarkAsync(silver));
        Assert.Equal("p", await ScalarAsync<string>("SELECT relkind::text FROM pg_class WHERE oid = 'ticks'::regclass"));
        Assert.Equal(
            "FOR VALUES FROM (MINVALUE) TO ('2026-01-14 00:00:00+00')",
            await ScalarAsync<string>("SET TIME ZONE 'UTC'; SELECT pg_get_expr(relpartbound, oid) FROM pg_class WHERE relname = 'ticks_legacy'"));
    }

    [Fact]
    public async Task Maintain_WithRetention_DropsTheUpgradedTableOnceItsWholeRangeIsPastIt()
    {
        await MigrateBeforePartitionsWithTicksAsync("2026-11-01", "1 day", 20);
        await using var store = await MonitorStore.OpenPostgresAsync(_connectionString);
        var silver = InstrumentId.Parse("COMEX:SI");

        // The newest old tick is of 11-21, so the upgraded table covers everything before 11-22.
        var kept = await store.TickRetention.MaintainAsync(Now, TimeSpan.FromDays(16));
        var dropped = await store.TickRetention.MaintainAsync(Now, TimeSpan.FromDays(15));

        Assert.DoesNotContain("ticks_legacy", kept.PartitionsDropped);
        Assert.Contains("ticks_legacy", dropped.PartitionsDropped);
        Assert.Empty(await store.Ticks.ReadAfterAsync(silver, 0).ToListAsync());
        Assert.Equal(new TickMark(20, 20), await store.Ticks.GetMarkAsync(silver));
    }

    /// <summary>
    /// A replay after a crash reads the ticks past the saved state from its open bar on: PostgreSQL plans that read over
    /// the day partitions from there only, so it neither probes nor locks the older ones. Here an older partition is
    /// locked by another connection: the bounded read goes through, a read by index alone waits for the lock.
    /// </summary>
    [Fact]
    public async Task ReadAfter_WithATimeBound_TouchesOnlyThePartitionsFromItsDay()
    {
        await using var store = await MonitorStore.OpenPostgresAsync(_connectionString);
        var silver = InstrumentId.Parse("COMEX:SI");
        var ticks = Enumerable.Range(1, 3).Select(i => new StoredTick(i, Now.AddDays(i - 3), 30 + i, 1, i, Late: false)).ToArray();
        await store.Ticks.AppendAsync(silver, ticks);

        await using var locker = new NpgsqlConnection(_connectionString);
        await locker.OpenAsync();
        await using var transaction = await locker.BeginTransactionAsync();
        string oldest = $"ticks_p{Now.AddDays(-2):yyyyMMdd}";
        await using (var lockOldest = new NpgsqlCommand($"LOCK TABLE {oldest} IN ACCESS EXCLUSIVE MODE", locker, transaction))
        {
            await lockOldest.ExecuteNonQueryAsync();
        }

        using var deadline = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        var bounded = await store.Ticks.ReadAfterAsync(silver, 1, new DateTimeOffset(Now.UtcDateTime.Date, TimeSpan.Zero), deadline.Token).ToListAsync();
        using var stop = new CancellationTokenSource();
        var unbounded = store.Ticks.ReadAfterAsync(silver, 1, stop.Token).ToListAsync();
        await Eventually.GetAsync(
            () => ScalarAsync<long>($"SELECT count(*) FROM pg_locks WHERE NOT granted AND relation = '{oldest}'::regclass"),
            waiting => waiting > 0,
            because: "the read by index waits for the locked partition");
        stop.Cancel();

        Assert.Equal([ticks[2]], bounded);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => unbounded);
    }

    [Fact]
    public async Task Append_TicksOfDaysWithoutPartitions_PartitionsMadeAndEveryTickStoredOnce()
    {
        await using var store = await MonitorStore.OpenPostgresAsync(_connectionString);
        var instrument = NewInstrument();
        var old = new StoredTick[]
        {
            new(1, new DateTimeOffset(2019, 3, 1, 23, 59, 59, TimeSpan.Zero), 10, 1, 1, false),
            new(2, new DateTimeOffset(2019, 3, 2, 0, 0, 0, TimeSpan.Zero), 11, 1, 2, false),
            new(3, new DateTimeOffset(2019, 3, 4, 12, 0, 0, TimeSpan.Zero), 12, 1, 3, false),
        };

        await store.Ticks.AppendAsync(instrument, old);
        await store.Ticks.AppendAsync(instrument, old);

        Assert.Equal(old, await store.Ticks.ReadAfterAsync(instrument, 0).ToListAsync());
        Assert.Equal(
            ["ticks_p20190301", "ticks_p20190302", "ticks_p20190304"],
            await PartitionsAsync());
    }

    [Fact]
    public async Task Maintain_Twice_WeekAheadCreatedOnceFromYesterday()
    {
        await using var store = await MonitorStore.OpenPostgresAsync(_connectionString);

        var first = await store.TickRetention.MaintainAsync(Now, retention: null);
        var second = await store.TickRetention.MaintainAsync(Now, retention: null);

        Assert.Equal(PostgresTickRetention.DaysAhead + 2, first.PartitionsCreated);
        Assert.Equal(0, second.PartitionsCreated);
        Assert.Empty(second.PartitionsDropped);
        var partitions = await PartitionsAsync();
        Assert.Equal("ticks_p20261206", partitions[0]);
        Assert.Equal("ticks_p20261214", partitions[^1]);
    }

    [Fact]
    public async Task Maintain_SeveralSilosAtOnce_EachPartitionCreatedOnce()
    {
        await using var store = await MonitorStore.OpenPostgresAsync(_connectionString);

        var results = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() => store.TickRetention.MaintainAsync(Now, retention: null))));

        Assert.Equal(PostgresTickRetention.DaysAhead + 2, results.Sum(r => r.PartitionsCreated));
        Assert.Equal(PostgresTickRetention.DaysAhead + 2, (await PartitionsAsync()).Count);
    }

    [Fact]
    public async Task Maintain_WithRetention_DropsWholeDaysPastItAndKeepsBarsInventoryAndNumbering()
    {
        await using var store = await MonitorStore.OpenPostgresAsync(_connectionString);
        var instrument = NewInstrument();
        var days = new[] { -12, -8, -7, -1 }.Select(d => Now.AddDays(d)).ToArray();
        var ticks = days.Select((time, i) => new StoredTick(i + 1, time, 100 + i, 1, i + 1, false)).ToArray();
        await store.Ticks.AppendAsync(instrument, ticks);
        var bar = new Bar(days[0], 100, 100, 100, 100, 1);
        await store.Bars.UpsertAsync(instrument, BarInterval.OneMinute, [bar]);
        var inventory = new InventoryValue(instrument, "registered", DateOnly.FromDateTime(days[0].UtcDateTime), days[0], 5, QuantityUnit.TroyOunce);
        await store.Inventory.AppendAsync([inventory], days[0]);

        var result = await store.TickRetention.MaintainAsync(Now, TimeSpan.FromDays(7));

        // Now - 7d is 2026-11-30 10:00: the day of 11-29 ends before it; the day of 11-30 does not.
        Assert.Equal(["ticks_p20261125", "ticks_p20261129"], result.PartitionsDropped);
        Assert.Equal([3L, 4L], (await store.Ticks.ReadAfterAsync(instrument, 0).ToListAsync()).Select(t => t.Index));
        Assert.Equal([bar], await store.Bars.ReadAsync(instrument, BarInterval.OneMinute, days[0], Now, 10));
        Assert.Single(await store.Inventory.ReadAsync(instrument, "registered", null, inventory.AsOf, inventory.AsOf, allVersions: true));
        Assert.Equal(new TickMark(4, 4), await store.Ticks.GetMarkAsync(instrument));
        await store.Ticks.AppendAsync(instrument, new[] { new StoredTick(5, Now, 105, 1, 5, false) });
        Assert.Equal([3L, 4L, 5L], (await store.Ticks.ReadAfterAsync(instrument, 0).ToListAsync()).Select(t => t.Index));
    }

    [Fact]
    public async Task Maintain_SqliteWithRetention_DeletesOnlyTicksOlderThanIt()
    {
        string directory = Directory.CreateTempSubdirectory("monitor-retention-").FullName;
        try
        {
            await using var store = MonitorStore.OpenSqlite(Path.Combine(directory, "monitor.db"));
            var instrument = NewInstrument();
            var ticks = new[] { -9, -8, -6, 0 }.Select((d, i) => new StoredTick(i + 1, Now.AddDays(d), 100 + i, 1, i + 1, false)).ToArray();
            await store.Ticks.AppendAsync(instrument, ticks);

            var kept = await store.TickRetention.MaintainAsync(Now, retention: null);
            var result = await store.TickRetention.MaintainAsync(Now, TimeSpan.FromDays(7));

            Assert.Equal(0, kept.TicksDeleted);
            Assert.Equal(2, result.TicksDeleted);
            Assert.Equal(ticks[2..], await store.Ticks.ReadAfterAsync(instrument, 0).ToListAsync());
            Assert.Equal(new TickMark(4, 4), await store.Ticks.GetMarkAsync(instrument));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    /// <summary>The schema as before script 050, its ticks table not partitioned, holding <paramref name="count"/> ticks of
    /// COMEX:SI (id 1), one every <paramref name="step"/> after 00:00 UTC on <paramref name="day"/>.</summary>
    private async Task MigrateBeforePartitionsWithTicksAsync(string day, string step, int count)
    {
        var before = PostgresMigrator.EmbeddedScripts.Where(s => string.CompareOrdinal(s.Name, "050_tick_partitions.sql") < 0).ToList();
        await new PostgresMigrator(_connectionString, before).MigrateAsync();
        await ExecuteAsync(
            $"""
            INSERT INTO instruments (id, name) VALUES (1, 'COMEX:SI');
            INSERT INTO ticks (idx, time, price, volume, seq, instrument_id, late)
            SELECT g, timestamptz '{day} 00:00:00+00' + g * interval '{step}', 30 + g * 0.01, 1, g, 1, false
            FROM generate_series(1, {count}) AS g;
            INSERT INTO tick_marks (instrument_id, last_idx, last_seq) VALUES (1, {count}, {count});
            """);
    }

    private Task<List<string>> PartitionsAsync() => TestPostgres.TickPartitionsAsync(_connectionString);

    private async Task ExecuteAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(_connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    private async Task<T> ScalarAsync<T>(string sql)
    {
        await using var connection = new NpgsqlConnection(_connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return (T)(await command.ExecuteScalarAsync())!;
    }
}
