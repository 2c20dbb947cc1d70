using Microsoft.Data.Sqlite;
using Monitor.Core.Ports;
using Monitor.Storage.Tests.Infrastructure;

namespace Monitor.Storage.Tests;

public sealed class SqliteDatabaseTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), $"monitor-sqlite-tests-{Guid.NewGuid():N}");

    public void Dispose()
    {
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    [Fact]
    public async Task ReadOnlyFile_WriteFails_AsTheDatabaseUnavailable_WhileABadStatementIsNot()
    {
        string path = Path.Combine(_directory, "monitor.db");
        await using (var store = MonitorStore.OpenSqlite(path))
        {
            await store.ProbeWriteAsync(CancellationToken.None);
        }

        using var readOnly = new SqliteConnection($"Data Source={path};Mode=ReadOnly;Pooling=False");
        readOnly.Open();
        using var write = readOnly.CreateCommand();
        write.CommandText = "INSERT INTO store_probe (id, written_at) VALUES (2, 0)";
        var refused = Assert.Throws<SqliteException>(() => write.ExecuteNonQuery());
        using var bad = readOnly.CreateCommand();
        bad.CommandText = "INSERT INTO no_such_table VALUES (1)";
        var mistake = Assert.Throws<SqliteException>(() => bad.ExecuteNonQuery());

        Assert.True(StoreFailures.IsUnavailable(new InvalidOperationException("storing ticks", refused)));
        Assert.False(StoreFailures.IsUnavailable(mistake));
    }

    [Fact]
    public async Task Open_MissingDirectory_CreatesFileInWalModeWithSchemaVersion()
    {
        string path = Path.Combine(_directory, "a", "b", "monitor.db");

        await using (MonitorStore.OpenSqlite(path))
        {
        }

        await using var reopened = MonitorStore.OpenSqlite(path); // schema creation is idempotent
        using var connection = new SqliteConnection($"Data Source={path};Pooling=False");
        connection.Open();
        Assert.Equal("wal", Scalar(connection, "PRAGMA journal_mode"));
        Assert.Equal((long)Sqlite.SqliteDatabase.SchemaVersion, Scalar(connection, "SELECT max(version) FROM schema_version"));
        Assert.Equal(1L, Scalar(connection, "SELECT count(*) FROM schema_version"));
    }

    [Fact]
    public async Task Open_NewerSchemaVersion_FailsWithActionableMessage()
    {
        string path = Path.Combine(_directory, "monitor.db");
        await using (MonitorStore.OpenSqlite(path))
        {
        }

        using (var connection = new SqliteConnection($"Data Source={path};Pooling=False"))
        {
            connection.Open();
            Scalar(connection, "INSERT INTO schema_version (version, applied_at) VALUES (99, 'later')");
        }

        var error = Assert.Throws<InvalidOperationException>(() => MonitorStore.OpenSqlite(path));
        Assert.Contains("newer", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Open_Version1File_TicksMovedToPerInstrumentTables()
    {
        string path = Path.Combine(_directory, "v1.db");
        Directory.CreateDirectory(_directory);
        var instrument = TestData.NewInstrument();
        var ticks = TestData.Ticks(1, 3);
        using (var connection = new SqliteConnection($"Data Source={path};Pooling=False"))
        {
            connection.Open();
            Scalar(connection, """
                CREATE TABLE schema_version (version INTEGER NOT NULL PRIMARY KEY, applied_at TEXT NOT NULL);
                INSERT INTO schema_version VALUES (1, 'then');
                CREATE TABLE instruments (id INTEGER NOT NULL PRIMARY KEY, name TEXT NOT NULL UNIQUE);
                CREATE TABLE ticks (instrument_id INTEGER NOT NULL, idx INTEGER NOT NULL, time INTEGER NOT NULL, price REAL NOT NULL,
                    volume REAL NOT NULL, seq INTEGER NOT NULL, late INTEGER NOT NULL, PRIMARY KEY (instrument_id, idx)) WITHOUT ROWID;
                CREATE TABLE tick_marks (instrument_id INTEGER NOT NULL PRIMARY KEY, last_idx INTEGER NOT NULL, last_seq INTEGER NOT NULL);
                """);
            Scalar(connection, $"INSERT INTO instruments VALUES (7, '{instrument}'); INSERT INTO tick_marks VALUES (7, 3, 30);");
            foreach (var tick in ticks)
            {
                long micros = (tick.Time.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / 10;
                Scalar(connection, $"INSERT INTO ticks VALUES (7, {tick.Index}, {micros}, {tick.Price.ToString("R", System.Globalization.CultureInfo.InvariantCulture)}, {tick.Volume}, {tick.Seq}, {(tick.Late ? 1 : 0)})");
            }
        }

        await using var store = MonitorStore.OpenSqlite(path);

        Assert.Equal(ticks, await store.Ticks.ReadAfterAsync(instrument, 0).ToListAsync());
        Assert.Equal(new TickMark(3, 30), await store.Ticks.GetMarkAsync(instrument));
        await store.Ticks.AppendAsync(instrument, TestData.Ticks(4, 1));
        Assert.Equal(new TickMark(4, 40), await store.Ticks.GetMarkAsync(instrument));
    }

    [Fact]
    public async Task Open_Version4File_InventoryBecomesTotalsWithVersionsAndOrderKept()
    {
        string path = Path.Combine(_directory, "v4.db");
        var instrument = TestData.NewInstrument();
        var day = new DateOnly(2026, 1, 14);
        var value = new Core.Market.InventoryValue(instrument, "registered", day, TestData.T0, 100, Core.Market.QuantityUnit.TroyOunce);
        await using (var store = MonitorStore.OpenSqlite(path))
        {
            await store.Inventory.AppendAsync([value, value with { Quantity = 101 }], TestData.T0);
        }

        // Make the inventory table as version 4 left it: no location, keyed by (instrument, series, asOf, version).
        using (var connection = new SqliteConnection($"Data Source={path};Pooling=False"))
        {
            connection.Open();
            Scalar(connection, """
                CREATE TABLE old_inventory (
                    arrival INTEGER PRIMARY KEY AUTOINCREMENT, instrument_id INTEGER NOT NULL, series TEXT NOT NULL, as_of TEXT NOT NULL,
                    version INTEGER NOT NULL, published_at INTEGER NOT NULL, quantity REAL NOT NULL, unit TEXT NOT NULL,
                    received_at INTEGER NOT NULL, UNIQUE (instrument_id, series, as_of, version));
                INSERT INTO old_inventory SELECT arrival, instrument_id, series, as_of, version, published_at, quantity, unit, received_at FROM inventory;
                DROP TABLE inventory;
                ALTER TABLE old_inventory RENAME TO inventory;
                CREATE INDEX inventory_published ON inventory (instrument_id, published_at, arrival);
                UPDATE schema_version SET version = 4;
                """);
        }

        await using var upgraded = MonitorStore.OpenSqlite(path);
        await upgraded.Inventory.AppendAsync([value with { Location = "Brinks", Quantity = 60 }], TestData.T0);

        var totals = await upgraded.Inventory.ReadAsync(instrument, "registered", null, day, day, allVersions: true);
        Assert.Equal([(1, 100.0), (2, 101.0)], totals.Select(v => (v.Version, v.Value.Quantity)));
        Assert.All(totals, v => Assert.Null(v.Value.Location));
        Assert.Equal(60, Assert.Single(await upgraded.Inventory.ReadAsync(instrument, "registered", "brinks", day, day, allVersions: true)).Value.Quantity);
        using var check = new SqliteConnection($"Data Source={path};Pooling=False");
        check.Open();
        Assert.Equal((long)Sqlite.SqliteDatabase.SchemaVersion, Scalar(check, "SELECT max(version) FROM schema_version"));
    }

    [Fact]
    public async Task Append_WhileOpen_CheckpointedIntoDatabaseFileInTheBackground()
    {
        string path = Path.Combine(_directory, "checkpoint.db");
        await using var store = MonitorStore.OpenSqlite(path);
        long before = new FileInfo(path).Length;

        await store.Ticks.AppendAsync(TestData.NewInstrument(), TestData.Ticks(1, 20_000));

        // Only a checkpoint writes pages into the database file itself; the writer never runs one.
        await Eventually.GetAsync(
            () => Task.FromResult(new FileInfo(path).Length), length => length > before, TimeSpan.FromSeconds(30), "the database file to grow: a checkpoint ran");
    }

    [Fact]
    public async Task OpenAsync_DefaultOptions_OpenSqliteAtConfiguredPath()
    {
        string path = Path.Combine(_directory, "configured.db");

        await using (var store = await MonitorStore.OpenAsync(new StorageOptions { Sqlite = { Path = path } }))
        {
            Assert.Equal(StorageOptions.SqliteProvider, store.Provider);
            await store.Ticks.AppendAsync(TestData.NewInstrument(), TestData.Ticks(1, 1));
        }

        Assert.True(File.Exists(path));
    }

    [Fact]
    public async Task Open_Version2File_AddsAlertTablesKeepsTicks()
    {
        string path = Path.Combine(_directory, "v2.db");
        var instrument = TestData.NewInstrument();
        await using (var store = MonitorStore.OpenSqlite(path))
        {
            await store.Ticks.AppendAsync(instrument, TestData.Ticks(1, 3));
        }

        // Make it a file as version 2 left it: no rule, alert, silence or webhook tables.
        using (var connection = new SqliteConnection($"Data Source={path};Pooling=False"))
        {
            connection.Open();
            Scalar(connection, """
                DROP TABLE rules; DROP TABLE alerts; DROP TABLE alert_transitions; DROP TABLE silences;
                DROP TABLE webhooks; DROP TABLE webhook_deliveries; DROP TABLE webhook_attempts;
                UPDATE schema_version SET version = 2;
                """);
        }

        await using (var upgraded = MonitorStore.OpenSqlite(path))
        {
            Assert.Equal(TestData.Ticks(1, 3), await upgraded.Ticks.ReadAfterAsync(instrument, 0).ToListAsync());
            var rule = AlertStoreBehaviourTests<SqliteStoreFixture>.NewRule();
            Assert.Equal(Core.Rules.RuleChange.Added, (await upgraded.Rules.PutAsync(rule, TestData.T0, "ana")).Change);
            Assert.Empty(await upgraded.Webhooks.ListAsync());
        }

        using (var connection = new SqliteConnection($"Data Source={path};Pooling=False"))
        {
            connection.Open();
            Assert.Equal((long)Sqlite.SqliteDatabase.SchemaVersion, Scalar(connection, "SELECT max(version) FROM schema_version"));
            Assert.Equal(1L, Scalar(connection, "SELECT count(*) FROM rules"));
        }
    }

    [Fact]
    public async Task Open_Version12File_IndexesTheStoredRulesByTheInstrumentsTheyRead()
    {
        string path = Path.Combine(_directory, "v12.db");
        var instrument = TestData.NewInstrument();
        var rule = AlertStoreBehaviourTests<SqliteStoreFixture>.Threshold("rsi-high", instrument);
        await using (var store = MonitorStore.OpenSqlite(path))
        {
            await store.Rules.PutAsync(rule, TestData.T0, "ana");
        }

        // As version 12 left it: rules, no index of them.
        using (var connection = new SqliteConnection($"Data Source={path};Pooling=False"))
        {
            connection.Open();
            Scalar(connection, "DROP TABLE rule_instruments; DROP TABLE instrument_snapshots; UPDATE schema_version SET version = 12;");
        }

        await using var upgraded = MonitorStore.OpenSqlite(path);

        Assert.Equal(rule.Id, Assert.Single(await upgraded.Rules.ListReadingAsync(instrument)).Id);
        Assert.Empty(await upgraded.Snapshots.ReadAllAsync());
    }

    [Fact]
    public async Task Reopen_AfterClose_RulesAlertsAndSilencesSurvive()
    {
        string path = Path.Combine(_directory, "alerts.db");
        var rule = AlertStoreBehaviourTests<SqliteStoreFixture>.NewRule();
        var episode = AlertStoreBehaviourTests<SqliteStoreFixture>.Episode(rule.Id, [TestData.NewInstrument().Value], TestData.T0);
        Silence silence;
        await using (var store = MonitorStore.OpenSqlite(path))
        {
            await store.Rules.PutAsync(rule, TestData.T0, "ana");
            await store.Alerts.AppendTransitionsAsync(episode);
            await store.Alerts.AcknowledgeAsync(episode[0].Alert.Id, "ana", null, TestData.T0.AddDays(3));
            silence = await store.Silences.CreateAsync(new SilenceRequest(rule.Id, null, TestData.T0, TestData.T0.AddDays(1), "c", "ana"), TestData.T0);
        }

        await using var reopened = MonitorStore.OpenSqlite(path);

        Assert.Equal(rule, Core.Rules.RuleJson.Parse(Assert.Single(await reopened.Rules.ListAsync()).Json).Rule);
        var alert = await reopened.Alerts.GetAsync(episode[0].Alert.Id);
        AlertStoreBehaviourTests<SqliteStoreFixture>.AssertSameAlert(episode[2].Alert, alert!.Alert);
        Assert.Equal(3, alert.Transitions.Count);
        Assert.Equal("ana", alert.Acknowledgement!.By);
        Assert.Equal([silence], await reopened.Silences.ListAsync());
        Assert.Empty(await reopened.Alerts.AppendTransitionsAsync(episode));
    }

    private static object? Scalar(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteScalar();
    }
}
