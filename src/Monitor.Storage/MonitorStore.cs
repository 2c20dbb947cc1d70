using Monitor.Core.Ports;
using Monitor.Core.Webhooks;
using Monitor.Storage.Postgres;
using Monitor.Storage.Sqlite;

namespace Monitor.Storage;

/// <summary>
/// The opened store of the configured provider with its stores (market data; rules, alerts and silences; webhooks and their outbox; data sources and their archive). Dispose it last: disposing stores the
/// ticks still queued for the group commit, then closes the database.
/// </summary>
public sealed class MonitorStore : IAsyncDisposable, IDisposable
{
    private readonly IAsyncDisposable _ticks;
    private readonly IAsyncDisposable _database;
    private readonly Func<CancellationToken, Task> _ping;
    private readonly Func<CancellationToken, Task> _probeWrite;
    private readonly Func<CancellationToken, Task> _prepare;
    private const string ProbeWriteSql =
        "INSERT INTO store_probe (id, written_at) VALUES (1, $at) ON CONFLICT (id) DO UPDATE SET written_at = excluded.written_at";

    private int _disposed;

    private MonitorStore(
        string provider,
        ITickStore ticks,
        IBarStore bars,
        IInventoryStore inventory,
        IRuleStore rules,
        IAlertStore alerts,
        ISilenceStore silences,
        IWebhookStore webhooks,
        ISourceStore sources,
        ITickRetention tickRetention,
        INotificationPolicyStore notificationPolicy,
        IInstrumentSnapshotStore snapshots,
        IInstrumentDefinitionStore instruments,
        IAsyncDisposable database,
        Func<CancellationToken, Task> ping,
        Func<CancellationToken, Task> probeWrite,
        Func<CancellationToken, Task> prepare)
    {
        Provider = provider;
        Ticks = ticks;
        Bars = bars;
        Inventory = inventory;
        Rules = rules;
        Alerts = alerts;
        Silences = silences;
        Webhooks = webhooks;
        Sources = sources;
        TickRetention = tickRetention;
        NotificationPolicy = notificationPolicy;
        Snapshots = snapshots;
        Instruments = instruments;
        _ticks = (IAsyncDisposable)ticks;
        _database = database;
        _ping = ping;
        _probeWrite = probeWrite;
        _prepare = prepare;
    }

    /// <summary><see cref="StorageOptions.SqliteProvider"/> or <see cref="StorageOptions.PostgresProvider"/>.</summary>
    public string Provider { get; }

    public ITickStore Ticks { get; }

    public IBarStore Bars { get; }

    public IInventoryStore Inventory { get; }

    public IRuleStore Rules { get; }

    public IAlertStore Alerts { get; }

    public ISilenceStore Silences { get; }

    public IWebhookStore Webhooks { get; }

    public ISourceStore Sources { get; }

    public ITickRetention TickRetention { get; }
    public INotificationPolicyStore NotificationPolicy { get; }

    /// <summary>The notification outbox (set by the provider's factory beside the constructor's stores).</summary>
    public INotificationStore Notifications { get; private init; } = null!;

    /// <summary>Each instrument's headline state as its grain last wrote it.</summary>
    public IInstrumentSnapshotStore Snapshots { get; }

    /// <summary>The instrument registry: instruments added at run time and derived series.</summary>
    public IInstrumentDefinitionStore Instruments { get; }

    /// <summary>Runs a trivial query, so a readiness probe knows the database answers; throws if it does not.</summary>
    public Task PingAsync(CancellationToken cancellationToken) => _ping(cancellationToken);

    /// <summary>Writes one row (<c>store_probe</c>), so a readiness probe knows the database takes writes (it is not
    /// read-only, full or locked); throws if it does not.</summary>
    public Task ProbeWriteAsync(CancellationToken cancellationToken) => _probeWrite(cancellationToken);

    /// <summary>Opens the provider <paramref name="options"/> name and prepares it (<see cref="PrepareAsync"/>).</summary>
    public static async Task<MonitorStore> OpenAsync(StorageOptions options, CancellationToken cancellationToken = default)
    {
        var store = Create(options);
        try
        {
            await store.PrepareAsync(cancellationToken).ConfigureAwait(false);
            return store;
        }
        catch
        {
            await store.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>
    /// The store of the provider <paramref name="options"/> name, not prepared yet: SQLite opens (creating if needed)
    /// its file, which is synchronous work; PostgreSQL only sets up its connection pool. A host calls
    /// <see cref="PrepareAsync"/> as it starts, before anything uses the store.
    /// </summary>
    public static MonitorStore Create(StorageOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (string.Equals(options.Provider, StorageOptions.SqliteProvider, StringComparison.OrdinalIgnoreCase))
        {
            return OpenSqlite(options.Sqlite.Path);
        }

        if (string.Equals(options.Provider, StorageOptions.PostgresProvider, StringComparison.OrdinalIgnoreCase))
        {
            if (string.IsNullOrWhiteSpace(options.ConnectionString))
            {
                throw new InvalidOperationException(
                    "Monitor:Storage:Provider=postgres needs a connection string (ConnectionStrings:Monitor, Npgsql form)");
            }

            return CreatePostgres(options.ConnectionString, options.ApplyMigrations);
        }

        throw new InvalidOperationException($"Monitor:Storage:Provider is '{options.Provider}'; use sqlite or postgres");
    }

    /// <summary>Makes the database ready for use: for PostgreSQL, applies pending schema scripts (unless
    /// <see cref="StorageOptions.ApplyMigrations"/> is off) and indexes the rules stored before the rule index existed;
    /// SQLite's schema (and that index) is applied when its file opens.</summary>
    public Task PrepareAsync(CancellationToken cancellationToken = default) => _prepare(cancellationToken);

    /// <summary>Opens (creating if needed) the SQLite database file at <paramref name="path"/>; <paramref name="clock"/>
    /// (the system's unless given) stamps the outbox's deliveries.</summary>
    public static MonitorStore OpenSqlite(string path, TimeProvider? clock = null)
    {
        var database = SqliteDatabase.Open(path);
        var outbox = new WebhookOutbox(clock ?? TimeProvider.System);
        var notifications = new NotificationStore(new SqliteNotificationStore(database), new WebhookOutbox(clock ?? TimeProvider.System));
        return new MonitorStore(
            StorageOptions.SqliteProvider,
            new SqliteTickStore(database),
            new SqliteBarStore(database),
            new SqliteInventoryStore(database),
            new SqliteRuleStore(database),
            new SqliteAlertStore(database, outbox),
            new SqliteSilenceStore(database),
            new WebhookStore(new SqliteWebhookStore(database), outbox),
            new SqliteSourceStore(database),
            new SqliteTickRetention(database),
            new SqliteNotificationPolicyStore(database),
            new SqliteSnapshotStore(database),
            new SqliteInstrumentDefinitionStore(database),
            new AsyncDisposer(database.Dispose),
            _ =>
            {
                using var reader = database.OpenReader();
                using var command = reader.CreateCommand();
                command.CommandText = "SELECT 1";
                command.ExecuteScalar();
                return Task.CompletedTask;
            },
            cancellationToken => database.WriteAsync((connection, transaction) =>
            {
                using var command = connection.CreateCommand();
                command.Transaction = transaction;
                command.CommandText = ProbeWriteSql;
                command.Parameters.AddWithValue("$at", DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
                return command.ExecuteNonQuery();
            }, cancellationToken),
            _ => Task.CompletedTask)
        {
            Notifications = notifications,
        };
    }

    /// <summary>Opens the PostgreSQL database of <paramref name="connectionString"/> and prepares it.</summary>
    public static Task<MonitorStore> OpenPostgresAsync(string connectionString, bool applyMigrations = true, CancellationToken cancellationToken = default) =>
        OpenAsync(new StorageOptions { Provider = StorageOptions.PostgresProvider, ConnectionString = connectionString, ApplyMigrations = applyMigrations }, cancellationToken);

    private static MonitorStore CreatePostgres(string connectionString, bool applyMigrations)
    {
        var database = new PostgresDatabase(connectionString);
        var outbox = new WebhookOutbox(TimeProvider.System);
        var notifications = new NotificationStore(new PostgresNotificationStore(database), new WebhookOutbox(TimeProvider.System));
        var rules = new PostgresRuleStore(database);
        return new MonitorStore(
            StorageOptions.PostgresProvider,
            new PostgresTickStore(database),
            new PostgresBarStore(database),
            new PostgresInventoryStore(database),
            rules,
            new PostgresAlertStore(database, outbox),
            new PostgresSilenceStore(database),
            new WebhookStore(new PostgresWebhookStore(database), outbox),
            new PostgresSourceStore(database),
            new PostgresTickRetention(database),
            new PostgresNotificationPolicyStore(database),
            new PostgresSnapshotStore(database),
            new PostgresInstrumentDefinitionStore(database),
            database,
            async cancellationToken =>
            {
                await using var command = database.DataSource.CreateCommand("SELECT 1");
                await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
            },
            async cancellationToken =>
            {
                await using var command = database.DataSource.CreateCommand(ProbeWriteSql.Replace("$at", "$1", StringComparison.Ordinal));
                command.Parameters.Add(new Npgsql.NpgsqlParameter<long> { TypedValue = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() });
                await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            },
            async cancellationToken =>
            {
                if (applyMigrations)
                {
                    await new PostgresMigrator(connectionString).MigrateAsync(cancellationToken).ConfigureAwait(false);
                }

                await rules.IndexUnindexedAsync(cancellationToken).ConfigureAwait(false);
            })
        {
            Notifications = notifications,
        };
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        try
        {
            await _ticks.DisposeAsync().ConfigureAwait(false);
        }
        finally
        {
            await _database.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>For hosts that dispose synchronously; prefer <see cref="DisposeAsync"/>.</summary>
    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    private sealed class AsyncDisposer(Action dispose) : IAsyncDisposable
    {
        public ValueTask DisposeAsync()
        {
            dispose();
            return default;
        }
    }
}
