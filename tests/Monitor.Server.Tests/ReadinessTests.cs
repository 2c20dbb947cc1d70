using System.Net;
using Npgsql;

namespace Monitor.Server.Tests;

/// <summary>/health/ready tells a load balancer whether to send traffic: the silo is active and the database answers.</summary>
public sealed class ReadinessTests
{
    [Fact]
    public async Task DatabaseRefusingConnections_MakesReadyFailUntilItAnswersAgain_WhileLiveStaysUp()
    {
        string database = await TestPostgres.CreateDatabaseAsync("monitor_ready");
        try
        {
            await using var server = new MonitorServerFactory(new()
            {
                ["Monitor:Storage:Provider"] = "postgres",
                ["ConnectionStrings:Monitor"] = database,
            });
            var client = server.CreateClient((string?)null);
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health/ready")).StatusCode);

            await SetConnectionsAllowedAsync(database, false);
            await WaitForAsync(client, "/health/ready", HttpStatusCode.ServiceUnavailable);
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health/live")).StatusCode);

            await SetConnectionsAllowedAsync(database, true);
            await WaitForAsync(client, "/health/ready", HttpStatusCode.OK);
        }
        finally
        {
            await TestPostgres.DropDatabaseAsync(database);
        }
    }

    private static Task WaitForAsync(HttpClient client, string path, HttpStatusCode expected) =>
        Eventually.GetAsync(async () => (await client.GetAsync(path)).StatusCode, status => status == expected, because: $"{path} answers {expected}");

    /// <summary>Refuses (and ends) or allows again every connection to the test's database, as an outage would.</summary>
    private static async Task SetConnectionsAllowedAsync(string database, bool allowed)
    {
        string name = new NpgsqlConnectionStringBuilder(database).Database!;
        await using var connection = new NpgsqlConnection(TestPostgres.ServerConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            $"ALTER DATABASE \"{name}\" ALLOW_CONNECTIONS {(allowed ? "true" : "false")};" +
            (allowed ? "" : $"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name}';"),
            connection);
        await command.ExecuteNonQueryAsync();
    }
}
