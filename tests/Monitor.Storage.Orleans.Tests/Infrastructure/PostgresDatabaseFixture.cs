using Monitor.Core.Ports;
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
    private readonly Lock _sharedClusterGate = new();
    private Task<TestCluster>? _sharedCluster;

    /// <summary>Connection string of the test database.</summary>
    public string ConnectionString { get; private set; } = "";

    public async Task InitializeAsync()
    {
        ConnectionString = await TestPostgres.CreateDatabaseAsync("monitor_orleans");
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

        if (ConnectionString.Length > 0)
        {
            await TestPostgres.DropDatabaseAsync(ConnectionString);
        }
    }

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
}

[CollectionDefinition(Name)]
public sealed class OrleansOnPostgres : ICollectionFixture<PostgresDatabaseFixture>
{
    public const string Name = "Orleans on PostgreSQL";
}
