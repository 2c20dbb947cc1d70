using System.Net;
using Npgsql;

namespace Monitor.Server.Tests;

/// <summary>/health/ready tells a load balancer whether to send traffic: the silo is active and the database answers.</summary>
public sealed class ReadinessTests : IAsyncLifetime
{
    private string _database = "";

    public async Task InitializeAsync() => _database = await TestPostgres.CreateDatabaseAsync("monitor_ready");

    public Task DisposeAsync() => TestPostgres.DropDatabaseAsync(_database);

    [Fact]
    public async Task DatabaseRefusingConnections_MakesReadyFailUntilItAnswersAgain_WhileLiveStaysUp()
    {
        await using var server = new MonitorServerFactory(new()
        {
            ["Monitor:Storage:Provider"] = "postgres",
            ["ConnectionStrings:Monitor"] = _database,
        });
        var client = server.CreateClient((string?)null);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health/ready")).StatusCode);

        await SetConnectionsAllowedAsync(false);
        await Eventually.GetAsync(
            async () => (await client.GetAsync("/health/ready")).StatusCode,
            status => status == HttpStatusCode.ServiceUnavailable,
            because: "ready fails while the database refuses connections");
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health/live")).StatusCode);

        await SetConnectionsAllowedAsync(true);
        await Eventually.GetAsync(
            async () => (await client.GetAsync("/health/ready")).StatusCode,
            status => status == HttpStatusCode.OK,
            because: "ready again once the database answers");
    }

    /// <summary>Refuses (and ends) or allows again every connection to the test's database, as an outage would.</summary>
    private async Task SetConnectionsAllowedAsync(bool allowed)
    {
        string name = new NpgsqlConnectionStringBuilder(_database).Database!;
        await using var connection = new NpgsqlConnection(TestPostgres.ServerConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            $"ALTER DATABASE \"{name}\" ALLOW_CONNECTIONS {(allowed ? "true" : "false")};" +
            (allowed ? "" : $"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name}';"),
            connection);
        await command.ExecuteNonQueryAsync();
    }
}
