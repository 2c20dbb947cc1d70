using Microsoft.Data.Sqlite;
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
        Assert.Equal(1L, Scalar(connection, "SELECT max(version) FROM schema_version"));
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

    private static object? Scalar(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteScalar();
    }
}
