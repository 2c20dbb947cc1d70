using System.CommandLine;
using Monitor.Core.Ports;
using Monitor.Storage;
using Monitor.Storage.Postgres;

namespace Monitor.Cli;

/// <summary><c>monitor db migrate</c>: creates or upgrades the configured store's schema, Orleans' tables included.</summary>
internal static class DbCommand
{
    public static Command Create()
    {
        var migrate = new Command("migrate", "Creates or upgrades the schema of the configured store (PostgreSQL: Monitor's and Orleans' tables); safe to run again");
        migrate.SetAction((_, cancellationToken) => MigrateAsync(CliConfiguration.Storage(CliConfiguration.Load()), Console.Out, Console.Error, cancellationToken));
        return new Command("db", "Database maintenance") { migrate };
    }

    internal static async Task<int> MigrateAsync(StorageOptions storage, TextWriter output, TextWriter errors, CancellationToken cancellationToken)
    {
        if (string.Equals(storage.Provider, StorageOptions.SqliteProvider, StringComparison.OrdinalIgnoreCase))
        {
            await using var store = MonitorStore.OpenSqlite(storage.Sqlite.Path);
            output.WriteLine($"SQLite store {Path.GetFullPath(storage.Sqlite.Path)} is up to date (its schema is created on open).");
            return 0;
        }

        if (string.IsNullOrWhiteSpace(storage.ConnectionString))
        {
            errors.WriteLine("error: Monitor:Storage:Provider=postgres needs ConnectionStrings:Monitor (set ConnectionStrings__Monitor)");
            return 2;
        }

        var result = await new PostgresMigrator(storage.ConnectionString).MigrateAsync(cancellationToken);
        foreach (string script in result.Applied)
        {
            output.WriteLine($"applied {script}");
        }

        foreach (string script in result.ChangedSinceApplied)
        {
            errors.WriteLine($"warning: {script} changed since it was applied; it is not applied again");
        }

        output.WriteLine(result.Applied.Count == 0 ? "the schema was already up to date" : $"{result.Applied.Count} script(s) applied");

        // The server keeps a week of tick partitions ahead too; making them here lets ingest start on a fresh database
        // whose server has not run yet.
        await using var postgres = await MonitorStore.OpenPostgresAsync(storage.ConnectionString, applyMigrations: false, cancellationToken);
        var maintained = await postgres.TickRetention.MaintainAsync(DateTimeOffset.UtcNow, retention: null, cancellationToken);
        output.WriteLine($"{maintained.PartitionsCreated} tick partition(s) created ahead");
        return 0;
    }
}
