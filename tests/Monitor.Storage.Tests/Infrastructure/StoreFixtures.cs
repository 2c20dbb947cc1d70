using Monitor.Core.Ports;
namespace Monitor.Storage.Tests.Infrastructure;

/// <summary>One database per test class, opened as a <see cref="MonitorStore"/>; tests keep apart by using their own instruments.</summary>
public abstract class StoreFixture : IAsyncLifetime
{
    private MonitorStore? _store;

    public MonitorStore Store => _store ?? throw new InvalidOperationException("the fixture is not initialized");

    /// <summary>Opens another store on the same database (a restart, or a second silo).</summary>
    public abstract Task<MonitorStore> OpenAsync();

    public async Task InitializeAsync()
    {
        await CreateDatabaseAsync();
        _store = await OpenAsync();
    }

    public async Task DisposeAsync()
    {
        if (_store is not null)
        {
            await _store.DisposeAsync();
        }

        await DropDatabaseAsync();
    }

    /// <summary>
    /// Makes every insert into the webhook outbox fail (or work again), as an outbox the database cannot write would:
    /// a write that stores something with its deliveries must then store neither.
    /// </summary>
    public abstract Task FailWebhookDeliveriesAsync(bool fail);

    protected abstract Task CreateDatabaseAsync();

    protected abstract Task DropDatabaseAsync();
}

public sealed class SqliteStoreFixture : StoreFixture
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), $"monitor-storage-tests-{Guid.NewGuid():N}");

    /// <summary>In a directory that does not exist yet: opening creates it.</summary>
    public string DatabasePath => Path.Combine(_directory, "nested", "monitor.db");

    public override Task<MonitorStore> OpenAsync() => Task.FromResult(MonitorStore.OpenSqlite(DatabasePath));

    public override Task FailWebhookDeliveriesAsync(bool fail)
    {
        using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={DatabasePath};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = fail
            ? "CREATE TRIGGER fail_deliveries BEFORE INSERT ON webhook_deliveries BEGIN SELECT RAISE(ABORT, 'the outbox cannot be written'); END"
            : "DROP TRIGGER fail_deliveries";
        command.ExecuteNonQuery();
        return Task.CompletedTask;
    }

    protected override Task CreateDatabaseAsync() => Task.CompletedTask;

    protected override Task DropDatabaseAsync()
    {
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }

        return Task.CompletedTask;
    }
}

public sealed class PostgresStoreFixture : StoreFixture
{
    private string? _connectionString;

    public string ConnectionString => _connectionString ?? throw new InvalidOperationException("the fixture is not initialized");

    public override Task<MonitorStore> OpenAsync() =>
        MonitorStore.OpenAsync(new StorageOptions { Provider = StorageOptions.PostgresProvider, ConnectionString = ConnectionString });

    public override async Task FailWebhookDeliveriesAsync(bool fail)
    {
        await using var connection = new Npgsql.NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new Npgsql.NpgsqlCommand(
            fail
                ? """
                  CREATE FUNCTION fail_deliveries() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'the outbox cannot be written'; END $$;
                  CREATE TRIGGER fail_deliveries BEFORE INSERT ON webhook_deliveries FOR EACH ROW EXECUTE FUNCTION fail_deliveries();
                  """
                : "DROP TRIGGER fail_deliveries ON webhook_deliveries; DROP FUNCTION fail_deliveries();",
            connection);
        await command.ExecuteNonQueryAsync();
    }

    protected override async Task CreateDatabaseAsync() => _connectionString = await TestPostgres.CreateDatabaseAsync("monitor_storage");

    protected override async Task DropDatabaseAsync()
    {
        if (_connectionString is not null)
        {
            await TestPostgres.DropDatabaseAsync(_connectionString);
        }
    }
}
