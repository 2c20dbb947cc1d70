using Monitor.Core.Ports;
using Monitor.Storage.Postgres;
using Monitor.Storage.Tests.Infrastructure;
using Npgsql;

namespace Monitor.Storage.Tests;

/// <summary>Each test migrates a database of its own, created empty.</summary>
public sealed class PostgresMigratorTests : IAsyncLifetime
{
    private string _connectionString = "";

    public async Task InitializeAsync() => _connectionString = await TestPostgres.CreateDatabaseAsync("monitor_migrator");

    public Task DisposeAsync() => TestPostgres.DropDatabaseAsync(_connectionString);

    [Fact]
    public void EmbeddedScripts_EverySchemaFile_InFileNameOrderMonitorFirst()
    {
        var names = PostgresMigrator.EmbeddedScripts.Select(script => script.Name).ToList();

        Assert.Equal("001_monitor.sql", names[0]);
        Assert.All(names, name => Assert.EndsWith(".sql", name, StringComparison.Ordinal));
        Assert.Equal(names.Order(StringComparer.Ordinal), names);
        Assert.All(PostgresMigrator.EmbeddedScripts, script => Assert.False(string.IsNullOrWhiteSpace(script.Sql)));
    }

    [Fact]
    public async Task Migrate_RunTwice_SecondRunAppliesNothing()
    {
        var migrator = new PostgresMigrator(_connectionString);

        var first = await migrator.MigrateAsync();
        var second = await migrator.MigrateAsync();

        Assert.Equal(PostgresMigrator.EmbeddedScripts.Select(script => script.Name), first.Applied);
        Assert.Empty(second.Applied);
        Assert.Empty(second.ChangedSinceApplied);
        Assert.Equal(PostgresMigrator.EmbeddedScripts.Count, await CountAsync("SELECT count(*) FROM schema_migrations"));
    }

    [Fact]
    public async Task Migrate_SeveralAtOnce_EachScriptAppliedExactlyOnce()
    {
        var results = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() => new PostgresMigrator(_connectionString).MigrateAsync())));

        var applied = results.SelectMany(result => result.Applied).ToList();
        Assert.Equal(PostgresMigrator.EmbeddedScripts.Select(script => script.Name).Order(StringComparer.Ordinal), applied.Order(StringComparer.Ordinal));
        Assert.Equal(PostgresMigrator.EmbeddedScripts.Count, await CountAsync("SELECT count(*) FROM schema_migrations"));
        Assert.Equal(0, await CountAsync("SELECT count(*) FROM ticks"));
    }

    [Fact]
    public async Task Migrate_InventoryStoredBeforeLocations_BecomesTotalsAndLocationsVersionApart()
    {
        var before = PostgresMigrator.EmbeddedScripts.Where(s => string.CompareOrdinal(s.Name, "004_inventory_locations.sql") < 0).ToList();
        await new PostgresMigrator(_connectionString, before).MigrateAsync();
        await using (var connection = new NpgsqlConnection(_connectionString))
        {
            await connection.OpenAsync();
            await using var insert = new NpgsqlCommand(
                """
                INSERT INTO instruments (id, name) VALUES (1, 'COMEX:SI');
                INSERT INTO inventory (instrument_id, series, as_of, version, published_at, quantity, unit, received_at)
                VALUES (1, 'registered', '2026-01-14', 1, '2026-01-15T01:00:00Z', 100, 'oz', '2026-01-15T01:00:00Z'),
                       (1, 'registered', '2026-01-14', 2, '2026-01-16T01:00:00Z', 101, 'oz', '2026-01-16T01:00:00Z');
                """,
                connection);
            await insert.ExecuteNonQueryAsync();
        }

        await new PostgresMigrator(_connectionString).MigrateAsync();
        await using var store = await MonitorStore.OpenPostgresAsync(_connectionString);
        var silver = Core.Market.InstrumentId.Parse("COMEX:SI");
        var day = new DateOnly(2026, 1, 14);
        var located = new Core.Market.InventoryValue(silver, "registered", day, TestData.T0, 60, Core.Market.QuantityUnit.TroyOunce) { Location = "Brinks" };
        await store.Inventory.AppendAsync([located], TestData.T0);

        var totals = await store.Inventory.ReadAsync(silver, "registered", null, day, day, allVersions: true);
        Assert.Equal([1, 2], totals.Select(v => v.Version));
        Assert.All(totals, v => Assert.Null(v.Value.Location));
        Assert.Equal(1, Assert.Single(await store.Inventory.ReadAsync(silver, "registered", "BRINKS", day, day, allVersions: true)).Version);
    }

    [Fact]
    public async Task Migrate_ScriptsGivenOutOfOrder_AppliedInNameOrderAndNewOnesOnly()
    {
        MigrationScript[] scripts =
        [
            new("002_fill.sql", "INSERT INTO sample (value) VALUES (sample_double(21));"),
            new("001_create.sql", """
                CREATE TABLE sample (value integer NOT NULL);
                -- A function body with semicolons inside dollar quotes, as the Orleans scripts have.
                CREATE FUNCTION sample_double(x integer) RETURNS integer LANGUAGE plpgsql AS $body$
                BEGIN
                    RETURN x * 2;
                END;
                $body$;
                """),
        ];

        var first = await new PostgresMigrator(_connectionString, scripts).MigrateAsync();
        var second = await new PostgresMigrator(_connectionString, [.. scripts, new("003_more.sql", "INSERT INTO sample (value) VALUES (1);")]).MigrateAsync();

        Assert.Equal(["001_create.sql", "002_fill.sql"], first.Applied);
        Assert.Equal(["003_more.sql"], second.Applied);
        Assert.Equal(43, await CountAsync("SELECT sum(value) FROM sample"));
    }

    [Fact]
    public async Task Migrate_ScriptFails_RollsItBackNamesItAndRetriesNextTime()
    {
        MigrationScript[] broken = [new("001_ok.sql", "CREATE TABLE ok (x int);"), new("002_bad.sql", "CREATE TABLE half (x int); SELECT no_such_function();")];

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => new PostgresMigrator(_connectionString, broken).MigrateAsync());
        var retry = await new PostgresMigrator(_connectionString, [broken[0], new("002_bad.sql", "CREATE TABLE half (x int);")]).MigrateAsync();

        Assert.Contains("002_bad.sql", error.Message, StringComparison.Ordinal);
        Assert.Equal(["002_bad.sql"], retry.Applied);
    }

    [Fact]
    public async Task Migrate_AppliedScriptEditedLater_ReportedAsChanged()
    {
        await new PostgresMigrator(_connectionString, [new("001_a.sql", "CREATE TABLE a (x int);")]).MigrateAsync();

        var result = await new PostgresMigrator(_connectionString, [new("001_a.sql", "CREATE TABLE a (x bigint);")]).MigrateAsync();

        Assert.Empty(result.Applied);
        Assert.Equal(["001_a.sql"], result.ChangedSinceApplied);
    }

    [Fact]
    public async Task OpenPostgres_NoConnectionString_FailsWithActionableMessage()
    {
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            MonitorStore.OpenAsync(new StorageOptions { Provider = "postgres" }));

        Assert.Contains("ConnectionStrings:Monitor", error.Message, StringComparison.Ordinal);
    }

    private async Task<long> CountAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(_connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }
}
