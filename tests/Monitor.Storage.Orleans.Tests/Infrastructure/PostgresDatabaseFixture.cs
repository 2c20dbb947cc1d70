using Monitor.Storage.Postgres;
using Npgsql;
using Orleans.TestingHost;

namespace Monitor.Storage.Orleans.Tests.Infrastructure;

/// <summary>
/// A fresh PostgreSQL database for the collection, created on the server named by MONITOR_TEST_POSTGRES
/// (./test.sh starts one) and migrated by <see cref="PostgresMigrator"/> (Monitor's and Orleans' scripts), plus
/// one single-silo cluster on it that tests share (each test uses its own grain keys and service ids). Tests that
/// restart or kill silos start their own clusters. The database is dropped at the end.
/// </summary>
public sealed class PostgresDatabaseFixture : IAsyncLifetime
{
    public const string EnvironmentVariable = "MONITOR_TEST_POSTGRES";

    private readonly Lock _sharedClusterGate = new();
    private Task<TestCluster>? _sharedCluster;
    private string? _serverConnectionString;
    private string? _databaseName;

    /// <summary>Connection string of the test database.</summary>
    public string ConnectionString { get; private set; } = "";

    public async Task InitializeAsync()
    {
        _serverConnectionString = ServerConnectionString();
        _databaseName = await CreateDatabaseAsync("monitor_orleans");
        ConnectionString = ConnectionStringFor(_databaseName);
        await new PostgresMigrator(ConnectionString).MigrateAsync();
    }

    /// <summary>The collection's shared single-silo cluster, started on first use.</summary>
    public Task<TestCluster> SharedClusterAsync()
    {
        lock (_sharedClusterGate)
        {
            return _sharedCluster ??= PostgresCluster.StartAsync(ConnectionString, NewServiceId("shared"));
        }
    }

    public static string NewServiceId(string purpose) => $"monitor-test-{purpose}-{Guid.NewGuid():N}";

    public async Task DisposeAsync()
    {
        if (_sharedCluster is { IsCompletedSuccessfully: true })
        {
            var cluster = await _sharedCluster;
            await cluster.StopAllSilosAsync();
            await cluster.DisposeAsync();
        }

        if (_databaseName is not null)
        {
            await DropDatabaseAsync(_databaseName);
        }
    }

    /// <summary>
    /// Creates an empty database. Its session time zone is deliberately not UTC, so any timestamp the scripts
    /// convert through the session zone instead of keeping UTC shows up as a failing test.
    /// </summary>
    public async Task<string> CreateDatabaseAsync(string prefix)
    {
        var name = $"{prefix}_{Guid.NewGuid():N}";
        await using var connection = new NpgsqlConnection(_serverConnectionString ?? ServerConnectionString());
        await connection.OpenAsync();
        await ExecuteAsync(connection, $"CREATE DATABASE \"{name}\"");
        await ExecuteAsync(connection, $"ALTER DATABASE \"{name}\" SET timezone TO 'America/New_York'");
        return name;
    }

    public async Task DropDatabaseAsync(string name)
    {
        NpgsqlConnection.ClearAllPools();
        await using var connection = new NpgsqlConnection(_serverConnectionString ?? ServerConnectionString());
        await connection.OpenAsync();
        await ExecuteAsync(connection, $"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)");
    }

    public string ConnectionStringFor(string databaseName) =>
        new NpgsqlConnectionStringBuilder(_serverConnectionString ?? ServerConnectionString()) { Database = databaseName }
            .ConnectionString;

    public async Task<List<T>> QueryAsync<T>(string sql, Func<NpgsqlDataReader, T> map, params (string Name, object? Value)[] parameters)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        }

        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<T>();
        while (await reader.ReadAsync())
        {
            rows.Add(map(reader));
        }

        return rows;
    }

    private static string ServerConnectionString()
    {
        var value = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (string.IsNullOrWhiteSpace(value))
        {
            throw new InvalidOperationException(
                $"{EnvironmentVariable} is not set. These tests need a real PostgreSQL: run ./test.sh, or " +
                $"export {EnvironmentVariable}=$(deploy/postgres-local.sh start /tmp/pg-orleans) first.");
        }

        return value;
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class OrleansOnPostgres : ICollectionFixture<PostgresDatabaseFixture>
{
    public const string Name = "Orleans on PostgreSQL";
}
