using Monitor.Storage;
using Monitor.Testing;
using Npgsql;

namespace Monitor.Cli.Tests;

public sealed class DbCommandTests
{
    [Fact]
    public async Task Migrate_Postgres_AppliesEveryScriptAndMakesTheWeekOfTickPartitionsAhead()
    {
        string connection = await TestPostgres.CreateDatabaseAsync("monitor_cli_migrate");
        try
        {
            var output = new StringWriter();
            var storage = new StorageOptions { Provider = StorageOptions.PostgresProvider, ConnectionString = connection };

            int exit = await DbCommand.MigrateAsync(storage, output, TextWriter.Null, CancellationToken.None);
            int again = await DbCommand.MigrateAsync(storage, output, TextWriter.Null, CancellationToken.None);

            Assert.Equal((0, 0), (exit, again));
            Assert.Contains("applied 050_tick_partitions.sql", output.ToString(), StringComparison.Ordinal);
            Assert.Contains("9 tick partition(s) created ahead", output.ToString(), StringComparison.Ordinal);
            Assert.Contains("the schema was already up to date", output.ToString(), StringComparison.Ordinal);
            await using var database = new NpgsqlConnection(connection);
            await database.OpenAsync();
            await using var today = new NpgsqlCommand(
                "SELECT to_regclass('ticks_p' || to_char(now() AT TIME ZONE 'UTC', 'YYYYMMDD')) IS NOT NULL", database);
            Assert.True((bool)(await today.ExecuteScalarAsync())!);
        }
        finally
        {
            await TestPostgres.DropDatabaseAsync(connection);
        }
    }
}
