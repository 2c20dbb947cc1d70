using Monitor.Core.Ports;
namespace Monitor.Storage;

/// <summary>
/// Where the stores live (docs/api.md, Configuration): <c>Monitor:Storage:Provider</c>, <c>Monitor:Storage:Sqlite:Path</c>
/// and the top-level <c>ConnectionStrings:Monitor</c>.
/// </summary>
public sealed class StorageOptions
{
    public const string SqliteProvider = "sqlite";
    public const string PostgresProvider = "postgres";

    /// <summary><c>sqlite</c> (embedded, the default) or <c>postgres</c>.</summary>
    public string Provider { get; set; } = SqliteProvider;

    public SqliteStorageOptions Sqlite { get; set; } = new();

    /// <summary>The PostgreSQL connection string (Npgsql form); <c>ConnectionStrings:Monitor</c> in configuration.</summary>
    public string? ConnectionString { get; set; }

    /// <summary>Whether opening a PostgreSQL store applies pending schema scripts first (see <see cref="Postgres.PostgresMigrator"/>).</summary>
    public bool ApplyMigrations { get; set; } = true;

    /// <summary>
    /// How long ticks are kept (<c>Monitor:Storage:TickRetention</c>, such as <c>90d</c>); unset keeps them forever.
    /// Bars, alerts, inventory and each instrument's tick numbering are kept whatever it is.
    /// </summary>
    public TimeSpan? TickRetention { get; set; }
}

public sealed class SqliteStorageOptions
{
    /// <summary>The database file; relative paths are relative to the working directory. Its directory is created.</summary>
    public string Path { get; set; } = "data/monitor.db";
}
