using Npgsql;

namespace Monitor.Testing;

/// <summary>The PostgreSQL that ./test.sh starts (MONITOR_TEST_POSTGRES); each user gets a database of its own.</summary>
public static class TestPostgres
{
    public const string Variable = "MONITOR_TEST_POSTGRES";

    /// <summary>The server's connection string; fails (never skips) when the test script did not provide one.</summary>
    public static string ServerConnectionString =>
        Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException(
                $"{Variable} is not set, so the PostgreSQL tests have no server. Run ./test.sh, or start one with " +
                $"`export {Variable}=$(deploy/postgres-local.sh start /tmp/pg-test)` and run dotnet test again.");

    /// <summary>
    /// Creates an empty database with a unique name and returns its connection string. Its session time zone is
    /// deliberately not UTC, so a timestamp converted through the session zone shows up as a failing test.
    /// </summary>
    public static async Task<string> CreateDatabaseAsync(string prefix)
    {
        string name = $"{prefix}_{Guid.NewGuid():N}".ToLowerInvariant();
        await using (var connection = new NpgsqlConnection(ServerConnectionString))
        {
            await connection.OpenAsync();
            await ExecuteAsync(connection, $"CREATE DATABASE \"{name}\"");
            await ExecuteAsync(connection, $"ALTER DATABASE \"{name}\" SET timezone TO 'America/New_York'");
        }

        return new NpgsqlConnectionStringBuilder(ServerConnectionString) { Database = name }.ConnectionString;
    }

    /// <summary>The names of the tick table's partitions in the database <paramref name="connectionString"/> names, sorted.</summary>
    public static async Task<List<string>> TickPartitionsAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = 'ticks'::regclass ORDER BY 1", connection);
        await using var reader = await command.ExecuteReaderAsync();
        var names = new List<string>();
        while (await reader.ReadAsync())
        {
            names.Add(reader.GetString(0));
        }

        return names;
    }

    public static async Task DropDatabaseAsync(string connectionString)
    {
        string name = new NpgsqlConnectionStringBuilder(connectionString).Database!;
        NpgsqlConnection.ClearAllPools();
        await using var connection = new NpgsqlConnection(ServerConnectionString);
        await connection.OpenAsync();
        await ExecuteAsync(connection, $"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)");
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
