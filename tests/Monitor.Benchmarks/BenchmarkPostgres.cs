using Monitor.Core.Ports;
using Monitor.Storage;
using Npgsql;

namespace Monitor.Benchmarks;

/// <summary>
/// PostgreSQL for the storage benchmarks: they run against it only when MONITOR_BENCH_POSTGRES holds a connection
/// string to a server they may create and drop databases on.
/// </summary>
public static class BenchmarkPostgres
{
    private const string Variable = "MONITOR_BENCH_POSTGRES";

    /// <summary>The providers to measure: SQLite, and PostgreSQL when configured.</summary>
    public static IEnumerable<string> Providers() =>
        Environment.GetEnvironmentVariable(Variable) is { Length: > 0 }
            ? [StorageOptions.SqliteProvider, StorageOptions.PostgresProvider]
            : [StorageOptions.SqliteProvider];

    /// <summary>Creates an empty database; returns its name and connection string.</summary>
    public static (string Name, string ConnectionString) CreateDatabase()
    {
        string name = $"monitor_bench_{Guid.NewGuid():N}";
        Execute($"CREATE DATABASE \"{name}\"");
        return (name, new NpgsqlConnectionStringBuilder(Environment.GetEnvironmentVariable(Variable)) { Database = name }.ConnectionString);
    }

    public static void DropDatabase(string name) => Execute($"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)");

    private static void Execute(string sql)
    {
        using var connection = new NpgsqlConnection(Environment.GetEnvironmentVariable(Variable));
        connection.Open();
        using var command = new NpgsqlCommand(sql, connection);
        command.ExecuteNonQuery();
    }
}
