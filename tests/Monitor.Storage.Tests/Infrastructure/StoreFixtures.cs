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

    protected abstract Task CreateDatabaseAsync();

    protected abstract Task DropDatabaseAsync();
}

public sealed class SqliteStoreFixture : StoreFixture
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), $"monitor-storage-tests-{Guid.NewGuid():N}");

    /// <summary>In a directory that does not exist yet: opening creates it.</summary>
    public string DatabasePath => Path.Combine(_directory, "nested", "monitor.db");

    public override Task<MonitorStore> OpenAsync() => Task.FromResult(MonitorStore.OpenSqlite(DatabasePath));

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

    protected override async Task CreateDatabaseAsync() => _connectionString = await TestPostgres.CreateDatabaseAsync("monitor_storage");

    protected override async Task DropDatabaseAsync()
    {
        if (_connectionString is not null)
        {
            await TestPostgres.DropDatabaseAsync(_connectionString);
        }
    }
}
