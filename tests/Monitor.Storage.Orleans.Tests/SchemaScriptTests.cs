using System.Reflection;
using System.Text.RegularExpressions;
using Monitor.Core.Ports;
using Monitor.Storage.Orleans.Tests.Infrastructure;
using Monitor.Storage.Postgres;
using Npgsql;
using Orleans.Configuration;
using Orleans.Runtime.MembershipService;
using Orleans.Storage;

namespace Monitor.Storage.Orleans.Tests;

[Collection(OrleansOnPostgres.Name)]
public sealed partial class SchemaScriptTests(PostgresDatabaseFixture database)
{
    private static readonly string[] ExpectedTables =
        ["orleansquery", "orleans_membership_version", "orleans_membership", "orleans_grain_state", "orleans_reminder"];

    private static readonly string[] OrleansScriptNames =
        ["101_orleans_main.sql", "102_orleans_clustering.sql", "103_orleans_persistence.sql", "104_orleans_reminders.sql"];

    [Fact]
    public void Scripts_AreEmbedded_AfterMonitorsOwnInFileNameOrder()
    {
        var names = PostgresMigrator.EmbeddedScripts.Select(script => script.Name).ToList();

        Assert.Equal(OrleansScriptNames, OrleansSchemaScripts.Scripts.Select(script => script.Name));
        Assert.Equal(OrleansScriptNames, names.Where(name => name.StartsWith('1')));
        Assert.All(names.Where(name => !OrleansScriptNames.Contains(name)), name => Assert.True(
            string.CompareOrdinal(name, OrleansScriptNames[0]) < 0, $"{name} sorts after the Orleans scripts"));
    }

    [Fact]
    public async Task Migrator_RunTwice_AppliesEachScriptOnce()
    {
        var name = await TestPostgres.CreateDatabaseAsync("monitor_orleans_migrate");
        try
        {
            var migrator = new PostgresMigrator(name);

            var first = await migrator.MigrateAsync();
            var second = await migrator.MigrateAsync();

            Assert.Equal(OrleansScriptNames, first.Applied.Where(OrleansScriptNames.Contains));
            Assert.Empty(second.Applied);
            Assert.Empty(second.ChangedSinceApplied);
            Assert.Equal(21, (await CatalogueAsync(name)).Count);
        }
        finally
        {
            await TestPostgres.DropDatabaseAsync(name);
        }
    }

    [Fact]
    public async Task Catalogue_CoversEveryQueryTheProvidersAskFor()
    {
        var stored = (await database.QueryAsync("SELECT QueryKey FROM OrleansQuery", r => r.GetString(0))).ToHashSet();

        // Clustering and reminders check their key set by reflecting over an internal DbStoredQueries class;
        // reading the same list keeps this test honest when the provider version changes.
        var clustering = RequiredKeys(typeof(AdoNetClusteringTable).Assembly, "Orleans.Clustering.AdoNet.Storage.DbStoredQueries");
        var reminders = RequiredKeys(typeof(AdoNetReminderTableOptions).Assembly, "Orleans.Reminders.AdoNet.Storage.DbStoredQueries");
        var persistence = QuotedKeyRegex().Matches(AdoNetGrainStorage.DefaultInitializationQuery).Select(m => m.Groups[1].Value).ToArray();

        Assert.Contains("CleanupDefunctSiloEntriesKey", clustering);
        Assert.Contains("DeleteStorageKey", persistence);
        Assert.Empty(clustering.Concat(reminders).Concat(persistence).Except(stored));
        // Optional in 10.4.2, used instead of the bulk cleanup when present.
        Assert.Contains("CleanupDefunctSiloEntryKey", stored);
        Assert.Equal(21, stored.Count);
    }

    [Fact]
    public async Task Scripts_AppliedTwiceToFreshDatabase_Succeed()
    {
        var name = await TestPostgres.CreateDatabaseAsync("monitor_orleans_twice");
        try
        {
            var connectionString = name;
            await OrleansSchemaScripts.ApplyDirectlyAsync(connectionString);
            var first = await CatalogueAsync(connectionString);

            await OrleansSchemaScripts.ApplyDirectlyAsync(connectionString);

            Assert.Equal(first, await CatalogueAsync(connectionString));
            Assert.Equal(ExpectedTables.Order(), (await TablesAsync(connectionString)).Order());
            Assert.Equal(21, first.Count);
        }
        finally
        {
            await TestPostgres.DropDatabaseAsync(name);
        }
    }

    [Fact]
    public async Task Scripts_ReappliedOverLiveData_KeepRowsAndRestoreQueryTexts()
    {
        var name = await TestPostgres.CreateDatabaseAsync("monitor_orleans_reapply");
        try
        {
            var connectionString = name;
            await OrleansSchemaScripts.ApplyDirectlyAsync(connectionString);
            var original = await CatalogueAsync(connectionString);
            await ExecuteAsync(connectionString, """
                INSERT INTO orleans_membership_version (deployment_id, version) VALUES ('c1', 7);
                INSERT INTO orleans_grain_state (service_id, grain_id_hash, grain_type_hash, grain_id_n0, grain_id_n1,
                    grain_type, grain_id_extension, payload, version)
                VALUES ('s1', 1, 2, 0, 0, 'counter', 'key', '\x01'::bytea, 3);
                INSERT INTO orleans_reminder (service_id, grain_id, reminder_name, start_time, period_ms, grain_hash, version)
                VALUES ('s1', 'probe/key', 'r', now(), 60000, 5, 4);
                UPDATE OrleansQuery SET QueryText = 'SELECT 1' WHERE QueryKey = 'ReadFromStorageKey';
                """);

            await OrleansSchemaScripts.ApplyDirectlyAsync(connectionString);

            Assert.Equal(original, await CatalogueAsync(connectionString));
            Assert.Equal(7, await ScalarAsync(connectionString, "SELECT version FROM orleans_membership_version"));
            Assert.Equal(3, await ScalarAsync(connectionString, "SELECT version FROM orleans_grain_state"));
            Assert.Equal(4, await ScalarAsync(connectionString, "SELECT version FROM orleans_reminder"));
        }
        finally
        {
            await TestPostgres.DropDatabaseAsync(name);
        }
    }

    private static string[] RequiredKeys(Assembly assembly, string typeName)
    {
        var type = assembly.GetType(typeName, throwOnError: true)!;
        return type.GetProperties(BindingFlags.Instance | BindingFlags.NonPublic).Select(p => p.Name).ToArray();
    }

    private static async Task<Dictionary<string, string>> CatalogueAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT QueryKey, QueryText FROM OrleansQuery", connection);
        await using var reader = await command.ExecuteReaderAsync();
        var catalogue = new Dictionary<string, string>(StringComparer.Ordinal);
        while (await reader.ReadAsync())
        {
            catalogue.Add(reader.GetString(0), reader.GetString(1));
        }

        return catalogue;
    }

    private static async Task<List<string>> TablesAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'", connection);
        await using var reader = await command.ExecuteReaderAsync();
        var tables = new List<string>();
        while (await reader.ReadAsync())
        {
            tables.Add(reader.GetString(0));
        }

        return tables;
    }

    private static async Task ExecuteAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<int> ScalarAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return Convert.ToInt32(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    [GeneratedRegex("'(\\w+Key)'")]
    private static partial Regex QuotedKeyRegex();
}
