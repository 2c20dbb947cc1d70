using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.Data.Sqlite;
using Monitor.Core.Market;
using Monitor.Core.Ports;

namespace Monitor.Storage.Sqlite;

/// <summary>
/// The embedded store: one SQLite file in WAL mode. All writes go through one connection guarded by
/// <see cref="WriteLock"/> (SQLite has a single writer anyway; this keeps writers from spinning on SQLITE_BUSY);
/// reads use pooled connections of their own, which WAL lets run beside the writer.
/// <para>
/// Ticks live in one table per instrument, <c>ticks_{id}</c>, keyed by the tick index as its rowid. Appends then
/// always land at the right edge of the table's and its time index's B-trees, where SQLite fills pages completely
/// and touches one or two per instrument and commit. In one table keyed by (instrument, index) every instrument
/// appends in the middle of the tree, where each split rebalances three half-full pages: measured 1.7 times the CPU
/// per tick and 1.7 times the WAL bytes per commit with 20 instruments.
/// </para>
/// </summary>
internal sealed class SqliteDatabase : IDisposable
{
    /// <summary>2: one tick table per instrument (1, a single ticks table, only ever existed in development builds).
    /// 3: rules, alerts, alert_transitions and silences (created by <see cref="Schema"/>'s IF NOT EXISTS on a version 2 file).
    /// 4: webhooks, webhook_deliveries and webhook_attempts (likewise).
    /// 5: alerts.ack_key, the name of the API key that acknowledged (added to an older file's alerts table).
    /// 6: sources and source_files (created by IF NOT EXISTS).
    /// 7: inventory keyed by location too (<see cref="UpgradeInventoryToLocations"/>).
    /// 8: notification_policy, notification_inbox and notification_runner (created by IF NOT EXISTS).
    /// 9: tick_deletions, the record of ticks an admin removed, and store_probe, the row readiness writes (likewise).
    /// 10: rule_versions, the history of every rule (created by IF NOT EXISTS, filled with the rules' current versions).
    /// 11: notification_outbox and notification_attempts (created by IF NOT EXISTS).
    /// 12: alert_activity (created by IF NOT EXISTS) and the alerts' assignment, shelf and comment count
    /// (<see cref="SqliteAlertSchema.HandlingColumns"/>, added to the alerts table).
    /// 13: rule_instruments, the instruments each rule reads (created by IF NOT EXISTS, filled from the stored rules), and
    /// instrument_snapshots (likewise, filled by the grains as they write their state).
    /// 14: instrument_definitions, the instrument registry (created by IF NOT EXISTS; the registry grain moves what
    /// grain storage held there when it first activates).</summary>
    public const int SchemaVersion = 14;

    // Durability: WAL with synchronous=NORMAL does not fsync on commit, only at checkpoints. A commit is in the
    // OS page cache when the call returns, so it survives the process being killed (kill -9, a crash, an OOM
    // kill) and the database is never corrupted; an OS crash or power loss may roll back the last commits.
    // synchronous=FULL would make commits survive power loss too, at the price of one fsync of the WAL per
    // commit: with group commit that is one fsync per batch rather than per tick, but it still stalls the writer
    // for the device's flush latency (tens of microseconds on NVMe, several milliseconds on networked or
    // spinning disks) and caps the batch rate at the device's flush rate. Measured on the 2-core development VM
    // (fsync about 0.6 ms), 20 writers appending 50 ticks each: about 25% fewer ticks/s and 1 ms more per append.
    // The embedded store is the single-node default; production durability comes from PostgreSQL.
    // cache_size: 64 MiB keeps the pages where hundreds of instruments append in memory (measured with 100
    // instruments: about 20% more ticks/s than the 2 MiB default).
    // wal_autocheckpoint=0: the writer never checkpoints; see CheckpointLoopAsync.
    private const string WriterPragmas =
        "PRAGMA synchronous=NORMAL; PRAGMA cache_size=-65536; PRAGMA wal_autocheckpoint=0; PRAGMA journal_size_limit=67108864;";

    private static readonly TimeSpan CheckpointInterval = TimeSpan.FromMilliseconds(250);

    /// <summary>
    /// How long a write waits for another process's write lock (the only writer this process has is
    /// <see cref="Writer"/>, so only another process can hold it: an operator's sqlite3 shell, a tool writing the file)
    /// before failing as a busy database, which the API answers 503 with Retry-After. Not the 30 s readers wait: every
    /// write queues behind the one waiting, so a long wait turns a held lock into minutes of stalled requests.
    /// </summary>
    private const int WriteBusyTimeoutSeconds = 1;

    private const string Schema = """
        CREATE TABLE IF NOT EXISTS schema_version (
            version INTEGER NOT NULL PRIMARY KEY,
            applied_at TEXT NOT NULL);

        CREATE TABLE IF NOT EXISTS instruments (
            id INTEGER NOT NULL PRIMARY KEY,
            name TEXT NOT NULL UNIQUE);

        -- Highest stored index and seq per instrument, kept with each append so GetMark never scans ticks.
        CREATE TABLE IF NOT EXISTS tick_marks (
            instrument_id INTEGER NOT NULL PRIMARY KEY,
            last_idx INTEGER NOT NULL,
            last_seq INTEGER NOT NULL);

        CREATE TABLE IF NOT EXISTS bars (
            instrument_id INTEGER NOT NULL,
            bar_interval TEXT NOT NULL,
            time INTEGER NOT NULL,          -- bar open, Unix microseconds
            open REAL NOT NULL,
            high REAL NOT NULL,
            low REAL NOT NULL,
            close REAL NOT NULL,
            volume REAL NOT NULL,
            PRIMARY KEY (instrument_id, bar_interval, time)) WITHOUT ROWID;

        -- Who removed which of an instrument's ticks (from_time <= time < to_time), when, and how many.
        CREATE TABLE IF NOT EXISTS tick_deletions (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            instrument TEXT NOT NULL,
            from_time INTEGER NOT NULL,     -- Unix microseconds
            to_time INTEGER NOT NULL,
            deleted_by TEXT NOT NULL,       -- the API key's name
            deleted_at INTEGER NOT NULL,
            tick_count INTEGER NOT NULL);

        -- Each instrument's headline state as its grain last wrote it (IInstrumentSnapshotStore).
        CREATE TABLE IF NOT EXISTS instrument_snapshots (
            instrument TEXT NOT NULL PRIMARY KEY,
            bar_interval TEXT NOT NULL,
            price REAL,
            time INTEGER,                   -- Unix microseconds
            change_pct REAL,
            indicators TEXT NOT NULL,       -- JSON object
            seq INTEGER NOT NULL) WITHOUT ROWID;

        -- The instrument registry: instruments added at run time and derived series (IInstrumentDefinitionStore).
        CREATE TABLE IF NOT EXISTS instrument_definitions (
            id TEXT NOT NULL PRIMARY KEY,
            definition TEXT NOT NULL) WITHOUT ROWID;   -- JSON object

        -- One row that /health/ready writes, to know the database takes writes.
        CREATE TABLE IF NOT EXISTS store_probe (
            id INTEGER NOT NULL PRIMARY KEY,
            written_at INTEGER NOT NULL);   -- Unix milliseconds

        """ + InventoryTable + """

        CREATE INDEX IF NOT EXISTS inventory_published ON inventory (instrument_id, published_at, arrival);

        """ + SqliteAlertSchema.Sql + SqliteWebhookSchema.Sql + SqliteSourceSchema.Sql + SqliteNotificationSchema.Sql + SqliteNotificationOutboxSchema.Sql;

    // location: as the publisher wrote it, NULL for the total; location_key: its upper-case form ('' for the total),
    // which the key uses so locations match without regard to case.
    private const string InventoryTable = """
        CREATE TABLE IF NOT EXISTS inventory (
            arrival INTEGER PRIMARY KEY AUTOINCREMENT,
            instrument_id INTEGER NOT NULL,
            series TEXT NOT NULL,
            location TEXT,
            location_key TEXT NOT NULL DEFAULT '',
            as_of TEXT NOT NULL,            -- yyyy-MM-dd
            version INTEGER NOT NULL,
            published_at INTEGER NOT NULL,  -- Unix microseconds
            quantity REAL NOT NULL,
            unit TEXT NOT NULL,
            received_at INTEGER NOT NULL,   -- Unix microseconds
            UNIQUE (instrument_id, series, location_key, as_of, version));
        """;



    private readonly string _readConnectionString;
    private readonly ConcurrentDictionary<string, long> _instrumentIds = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stopCheckpoints = new();
    private readonly Task _checkpoints;

    private SqliteDatabase(string path, SqliteConnection writer, string readConnectionString)
    {
        Path = path;
        Writer = writer;
        _readConnectionString = readConnectionString;
        _checkpoints = Task.Run(CheckpointLoopAsync);
    }

    public string Path { get; }

    /// <summary>The one connection that writes; use it only while holding <see cref="WriteLock"/>.</summary>
    public SqliteConnection Writer { get; }

    public SemaphoreSlim WriteLock { get; } = new(1, 1);

    /// <summary>Opens (creating the directory, the file and the schema as needed) the database at <paramref name="path"/>.</summary>
    public static SqliteDatabase Open(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        string fullPath = System.IO.Path.GetFullPath(path);
        string? directory = System.IO.Path.GetDirectoryName(fullPath);
        if (!string.IsNullOrEmpty(directory))
        {
            Directory.CreateDirectory(directory);
        }

        var builder = new SqliteConnectionStringBuilder
        {
            DataSource = fullPath,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = true,
            DefaultTimeout = 30,
        };
        var writer = new SqliteConnection(builder.ToString()) { DefaultTimeout = WriteBusyTimeoutSeconds };
        try
        {
            writer.Open();
            Execute(writer, "PRAGMA journal_mode=WAL;");
            Execute(writer, WriterPragmas);
            ApplySchema(writer, fullPath);
        }
        catch
        {
            writer.Dispose();
            throw;
        }

        return new SqliteDatabase(fullPath, writer, builder.ToString());
    }

    /// <summary>The table holding one instrument's ticks (ids are integers from the instruments table).</summary>
    public static string TickTable(long instrumentId) => string.Create(CultureInfo.InvariantCulture, $"ticks_{instrumentId}");

    /// <summary>A new pooled connection for reading, open.</summary>
    public SqliteConnection OpenReader()
    {
        var connection = new SqliteConnection(_readConnectionString);
        connection.Open();
        return connection;
    }

    /// <summary>The id of an instrument in this database, or null if nothing was ever stored for it.</summary>
    public long? FindInstrumentId(SqliteConnection connection, InstrumentId instrument)
    {
        if (_instrumentIds.TryGetValue(instrument.Value, out long id))
        {
            return id;
        }

        using var command = connection.CreateCommand();
        command.CommandText = "SELECT id FROM instruments WHERE name = $name";
        command.Parameters.AddWithValue("$name", instrument.Value);
        if (command.ExecuteScalar() is long found)
        {
            _instrumentIds.TryAdd(instrument.Value, found);
            return found;
        }

        return null;
    }

    /// <summary>The id of an instrument, added if new. Call with <see cref="WriteLock"/> held and outside a
    /// transaction, so a cached id is always a stored one.</summary>
    public long GetOrAddInstrumentId(InstrumentId instrument)
    {
        if (_instrumentIds.TryGetValue(instrument.Value, out long id))
        {
            return id;
        }

        using var transaction = Writer.BeginTransaction();
        using (var command = Writer.CreateCommand())
        {
            command.Transaction = transaction;
            command.CommandText = """
                INSERT INTO instruments (name) VALUES ($name) ON CONFLICT (name) DO NOTHING;
                SELECT id FROM instruments WHERE name = $name;
                """;
            command.Parameters.AddWithValue("$name", instrument.Value);
            id = (long)command.ExecuteScalar()!;
        }

        Execute(Writer, CreateTickTable(id), transaction);
        transaction.Commit();
        _instrumentIds.TryAdd(instrument.Value, id);
        return id;
    }

    /// <summary>Runs <paramref name="write"/> in one transaction on the writer, holding <see cref="WriteLock"/>.</summary>
    public async Task<T> WriteAsync<T>(Func<SqliteConnection, SqliteTransaction, T> write, CancellationToken cancellationToken)
    {
        await WriteLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            using var transaction = Writer.BeginTransaction();
            var result = write(Writer, transaction);
            transaction.Commit();
            return result;
        }
        finally
        {
            WriteLock.Release();
        }
    }

    public void Dispose()
    {
        _stopCheckpoints.Cancel();
        _checkpoints.GetAwaiter().GetResult();
        _stopCheckpoints.Dispose();
        // Closing the last connection checkpoints the whole WAL into the database file and removes it.
        Writer.Dispose();
        WriteLock.Dispose();
        // Close the pooled readers too, so the file is released (and WAL checkpointed) when the store closes.
        SqliteConnection.ClearPool(new SqliteConnection(_readConnectionString));
    }

    /// <summary>
    /// Copies the WAL into the database file off the write path. A checkpoint run by the writer itself (SQLite's
    /// autocheckpoint) stalls the group commit while it copies pages and fsyncs (measured: 10% of the writer's CPU,
    /// plus the fsync waits). Here a connection of its own copies everything committed so far without blocking the
    /// writer, then finishes under the write lock, where only the frames appended meanwhile are left: a fully copied
    /// WAL lets the next commit start the WAL file over, so it does not grow while writes never pause.
    /// </summary>
    private async Task CheckpointLoopAsync()
    {
        using var timer = new PeriodicTimer(CheckpointInterval);
        using var connection = new SqliteConnection(_readConnectionString);
        try
        {
            while (await timer.WaitForNextTickAsync(_stopCheckpoints.Token).ConfigureAwait(false))
            {
                try
                {
                    if (connection.State != System.Data.ConnectionState.Open)
                    {
                        connection.Open();
                    }

                    if (Checkpoint(connection) == 0)
                    {
                        continue;
                    }

                    await WriteLock.WaitAsync(_stopCheckpoints.Token).ConfigureAwait(false);
                    try
                    {
                        Checkpoint(connection);
                    }
                    finally
                    {
                        WriteLock.Release();
                    }
                }
                catch (SqliteException)
                {
                    // Nothing is lost (the WAL keeps every commit); the next tick tries again.
                }
            }
        }
        catch (OperationCanceledException) when (_stopCheckpoints.IsCancellationRequested)
        {
        }
    }

    /// <summary>Runs a passive checkpoint; returns the number of frames in the WAL (0 once it has started over).</summary>
    private static long Checkpoint(SqliteConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA wal_checkpoint(PASSIVE)";
        using var reader = command.ExecuteReader();
        // Columns: busy, frames in the WAL, frames copied into the database.
        return reader.Read() ? reader.GetInt64(1) : 0;
    }

    private static string CreateTickTable(long id)
    {
        string table = TickTable(id);
        return $"""
            CREATE TABLE IF NOT EXISTS {table} (
                idx INTEGER PRIMARY KEY,        -- the tick index, as the rowid
                time INTEGER NOT NULL,          -- Unix microseconds
                price REAL NOT NULL,
                volume REAL NOT NULL,
                seq INTEGER NOT NULL,
                late INTEGER NOT NULL);
            CREATE INDEX IF NOT EXISTS {table}_time ON {table} (time);
            """;
    }

    /// <summary>Creates what is missing and upgrades a version 1 file; fails on a file from a newer build.</summary>
    private static void ApplySchema(SqliteConnection writer, string path)
    {
        using var transaction = writer.BeginTransaction();
        Execute(writer, "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL PRIMARY KEY, applied_at TEXT NOT NULL);", transaction);
        long version;
        using (var command = writer.CreateCommand())
        {
            command.Transaction = transaction;
            command.CommandText = "SELECT coalesce(max(version), 0) FROM schema_version";
            version = (long)command.ExecuteScalar()!;
        }

        if (version > SchemaVersion)
        {
            throw new InvalidOperationException(
                $"{path} has schema version {version}, newer than this build's {SchemaVersion}: run a newer Monitor");
        }

        if (version is > 0 and < 7 && HasInventoryWithoutLocations(writer, transaction))
        {
            UpgradeInventoryToLocations(writer, transaction);
        }

        Execute(writer, Schema, transaction);

        if (version == 1)
        {
            var ids = new List<long>();
            using (var command = writer.CreateCommand())
            {
                command.Transaction = transaction;
                command.CommandText = "SELECT id FROM instruments";
                using var reader = command.ExecuteReader();
                while (reader.Read())
                {
                    ids.Add(reader.GetInt64(0));
                }
            }

            // Version 1 kept all ticks in one table keyed by (instrument_id, idx): move them.
            foreach (long id in ids)
            {
                Execute(writer, CreateTickTable(id), transaction);
                Execute(
                    writer,
                    $"INSERT INTO {TickTable(id)} (idx, time, price, volume, seq, late) SELECT idx, time, price, volume, seq, late FROM ticks WHERE instrument_id = {id}",
                    transaction);
            }

            Execute(writer, "DROP TABLE IF EXISTS ticks", transaction);
        }

        if (version is > 0 and < 10)
        {
            Execute(writer, SqliteAlertSchema.BackfillRuleVersions, transaction);
        }

        if (version is > 0 and < 13)
        {
            SqliteRuleStore.IndexAll(writer, transaction);
        }

        if (!HasColumn(writer, transaction, "alerts", "ack_key"))
        {
            Execute(writer, "ALTER TABLE alerts ADD COLUMN ack_key TEXT", transaction);
        }

        foreach (var (name, type) in SqliteAlertSchema.HandlingColumns.Where(c => !HasColumn(writer, transaction, "alerts", c.Name)))
        {
            Execute(writer, $"ALTER TABLE alerts ADD COLUMN {name} {type}", transaction);
        }

        if (version < SchemaVersion)
        {
            Execute(writer, $"INSERT INTO schema_version (version, applied_at) VALUES ({SchemaVersion}, datetime('now'))", transaction);
        }

        transaction.Commit();
    }

    /// <summary>
    /// Before version 7 inventory was keyed by (instrument, series, asOf, version) without a location. SQLite cannot
    /// change a table's constraints, so the table is rebuilt: every stored value becomes its series' total, with its
    /// arrival (the order rules saw it in), version and times as they were.
    /// </summary>
    private static void UpgradeInventoryToLocations(SqliteConnection writer, SqliteTransaction transaction)
    {
        Execute(writer, "ALTER TABLE inventory RENAME TO inventory_v4; DROP INDEX IF EXISTS inventory_published;", transaction);
        Execute(writer, InventoryTable, transaction);
        Execute(
            writer,
            """
            INSERT INTO inventory (arrival, instrument_id, series, location, location_key, as_of, version, published_at, quantity, unit, received_at)
            SELECT arrival, instrument_id, series, NULL, '', as_of, version, published_at, quantity, unit, received_at FROM inventory_v4;
            DROP TABLE inventory_v4;
            """,
            transaction);
    }

    private static bool HasInventoryWithoutLocations(SqliteConnection writer, SqliteTransaction transaction)
    {
        using var command = writer.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = """
            SELECT EXISTS (SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'inventory')
               AND NOT EXISTS (SELECT 1 FROM pragma_table_info('inventory') WHERE name = 'location_key')
            """;
        return (long)command.ExecuteScalar()! == 1;
    }

    private static bool HasColumn(SqliteConnection connection, SqliteTransaction transaction, string table, string column)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = $"SELECT count(*) FROM pragma_table_info('{table}') WHERE name = $column";
        command.Parameters.AddWithValue("$column", column);
        return (long)command.ExecuteScalar()! > 0;
    }

    internal static void Execute(SqliteConnection connection, string sql, SqliteTransaction? transaction = null)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
