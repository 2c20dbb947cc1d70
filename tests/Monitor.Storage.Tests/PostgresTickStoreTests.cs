using Monitor.Core.Ports;
using Monitor.Storage.Tests.Infrastructure;
using Npgsql;
using static Monitor.Storage.Tests.Infrastructure.TestData;

namespace Monitor.Storage.Tests;

public sealed class PostgresTickStoreTests(PostgresStoreFixture fixture) : IClassFixture<PostgresStoreFixture>
{
    [Fact]
    public async Task Append_WriterConnectionKilledWhileIdle_StoredOnNewConnection()
    {
        var instrument = NewInstrument();
        await fixture.Store.Ticks.AppendAsync(instrument, Ticks(1, 5));
        await using (var admin = new NpgsqlConnection(fixture.ConnectionString))
        {
            await admin.OpenAsync();
            // The group-commit writer is the only connection of the store that ends on a COMMIT (reads run none).
            await using var kill = new NpgsqlCommand(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() AND query = 'COMMIT'",
                admin);
            Assert.Equal(1L, await kill.ExecuteScalarAsync());
        }

        await fixture.Store.Ticks.AppendAsync(instrument, Ticks(6, 5));

        Assert.Equal(Ticks(1, 10), await fixture.Store.Ticks.ReadAfterAsync(instrument, 0).ToListAsync());
    }

    [Fact]
    public async Task Prepare_RulesStoredBeforeTheRuleIndex_AreIndexed()
    {
        var instrument = NewInstrument();
        var rule = AlertStoreBehaviourTests<PostgresStoreFixture>.Threshold($"rule-{Guid.NewGuid():N}", instrument);
        await fixture.Store.Rules.PutAsync(rule, T0, "ana");
        await using (var admin = new NpgsqlConnection(fixture.ConnectionString))
        {
            await admin.OpenAsync();
            await using var unindex = new NpgsqlCommand("DELETE FROM rule_instruments WHERE rule_id = $1", admin) { Parameters = { new() { Value = rule.Id } } };
            Assert.Equal(1, await unindex.ExecuteNonQueryAsync());
        }

        Assert.Empty(await fixture.Store.Rules.ListReadingAsync(instrument));
        await fixture.Store.PrepareAsync();

        Assert.Equal(rule.Id, Assert.Single(await fixture.Store.Rules.ListReadingAsync(instrument)).Id);
    }
}
