using Npgsql;

namespace Monitor.Benchmarks;

/// <summary>The PostgreSQL server benchmarks may use: MONITOR_BENCH_POSTGRES, a connection string with the right to create and drop databases.</summary>
public static class BenchmarkPostgres
{
    public const string Variable = "MONITOR_BENCH_POSTGRES";

    public static bool IsConfigured => Environment.GetEnvironmentVariable(Variable) is { Length: > 0 };

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
