using Npgsql;

namespace Monitor.Server.Tests;

/// <summary>The server on PostgreSQL: our tables through binary COPY, Orleans grain state through ADO.NET.</summary>
public sealed class PostgresModeTests : IAsyncLifetime
{
    private string _database = "";

    public async Task InitializeAsync() => _database = await TestPostgres.CreateDatabaseAsync("monitor_server");

    public Task DisposeAsync() => TestPostgres.DropDatabaseAsync(_database);

    [Fact]
    public async Task TicksAndGrainState_SurviveARestartOnPostgres()
    {
        var settings = new Dictionary<string, string>
        {
            ["Monitor:Storage:Provider"] = "postgres",
            ["ConnectionStrings:Monitor"] = _database,
        };
        var start = DateTimeOffset.Parse("2026-04-01T09:00:00Z", System.Globalization.CultureInfo.InvariantCulture);
        var ticks = Enumerable.Range(0, 12)
            .Select(i => TestApi.Tick("COMEX:HG", start.AddSeconds(i * 20).ToString("O"), 4.5 + (i * 0.01), volume: 2, seq: i + 1))
            .ToArray();

        string barsBefore;
        await using (var first = new MonitorServerFactory(settings))
        {
            var body = await (await first.CreateClient(MonitorServerFactory.IngestKey).PostItemsAsync("/api/v1/ticks", ticks)).OkJsonAsync();
            Assert.Equal(12, body["accepted"]!.GetValue<int>());
            barsBefore = (await first.CreateClient((string?)null).GetJsonAsync("/api/v1/instruments/COMEX:HG/bars?interval=1m")).ToJsonString();
        }

        Assert.True(await CountAsync("SELECT count(*) FROM orleans_grain_state") > 0, "the instrument grain saved its state through ADO.NET");

        await using var second = new MonitorServerFactory(settings);
        var barsAfter = (await second.CreateClient((string?)null).GetJsonAsync("/api/v1/instruments/COMEX:HG/bars?interval=1m")).ToJsonString();
        Assert.Equal(barsBefore, barsAfter);
        Assert.Contains("\"volume\":6", barsAfter, StringComparison.Ordinal);
        var again = await (await second.CreateClient(MonitorServerFactory.IngestKey).PostItemsAsync("/api/v1/ticks", ticks)).OkJsonAsync();
        Assert.Equal(12, again["duplicates"]!.GetValue<int>());
    }

    private async Task<long> CountAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(_database);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
