using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Data.Sqlite;

namespace Monitor.Server.Tests;

/// <summary>Rules across a kill -9 in the middle of an episode: nothing raised twice, nothing lost, same alert ids.</summary>
public sealed class RuleRecoveryTests : IDisposable
{
    private static readonly DateTimeOffset Start = DateTimeOffset.Parse("2026-03-03T10:00:00Z", CultureInfo.InvariantCulture);

    private static readonly string[] Settings =
    [
        "--Monitor:Auth:ApiKeys:1:Name=ops",
        $"--Monitor:Auth:ApiKeys:1:Key={MonitorServerFactory.AdminKey}",
        "--Monitor:Auth:ApiKeys:1:Roles:0=admin",
    ];

    private readonly string _directory = Directory.CreateTempSubdirectory("monitor-rules-crash-").FullName;

    [Fact]
    public async Task KillNineInTheMiddleOfEpisodes_ResolvesTheSameAlertsOnceAfterTheRestart()
    {
        string[] firing;
        await using (var server = await ServerProcess.StartAsync(_directory, Settings))
        {
            var admin = server.CreateClient(MonitorServerFactory.AdminKey);
            await CreateAsync(admin, """
                {"id":"si-above-30","type":"threshold","interval":"1m","params":{"input":"COMEX:SI","op":"above","value":30}}
                """);
            await CreateAsync(admin, """
                {"id":"copper-backwardation","type":"spread","interval":"1m","params":{"near":"LME:CA.CASH","far":"LME:CA","op":"backwardation"}}
                """);

            // Both conditions hold from minute 1: both alerts fire at 10:02 and are open when the process dies, with
            // some of their ticks only in the store (after the state the grains last saved).
            var ingest = server.CreateClient(MonitorServerFactory.IngestKey);
            await PostMinutesAsync(ingest, 0, 4, holds: minute => minute >= 1);
            firing = [.. (await WaitForAlertsAsync(server.CreateClient(), "firing")).Select(a => a!["id"]!.GetValue<string>())];
            await Eventually.GetAsync(() => Task.FromResult(SavedStates("rule")), n => n >= 1, TimeSpan.FromSeconds(20), "the rule grain saved its state");
            await PostMinutesAsync(ingest, 4, 3, holds: _ => true);
            await server.KillAsync();
        }

        await using (var restarted = await ServerProcess.StartAsync(_directory, Settings))
        {
            await PostMinutesAsync(restarted.CreateClient(MonitorServerFactory.IngestKey), 7, 3, holds: _ => false);
            var resolved = await WaitForAlertsAsync(restarted.CreateClient(), "resolved");

            Assert.Equal(firing.Order(), resolved.Select(a => a!["id"]!.GetValue<string>()).Order());
            foreach (var alert in resolved.Select(a => a!))
            {
                Assert.Equal(Start.AddMinutes(2), alert["firedAt"]!.GetValue<DateTimeOffset>());
                Assert.Equal(Start.AddMinutes(8), alert["resolvedAt"]!.GetValue<DateTimeOffset>());
                var detail = await restarted.CreateClient().GetJsonAsync($"/api/v1/alerts/{alert["id"]!.GetValue<string>()}");
                Assert.Equal(["firing", "resolved"], detail["transitions"]!.AsArray().Select(t => t!["to"]!.GetValue<string>()));
            }
        }
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    private static async Task CreateAsync(HttpClient admin, string json)
    {
        var response = await admin.PostAsync("/api/v1/rules", new StringContent(json, Encoding.UTF8, "application/json"));
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
    }

    /// <summary>A request per minute: silver at 31 or 29, copper cash 20 over or under the 3-month.</summary>
    private static async Task PostMinutesAsync(HttpClient ingest, int first, int count, Func<int, bool> holds)
    {
        for (int minute = first; minute < first + count; minute++)
        {
            bool on = holds(minute);
            string ts = Start.AddMinutes(minute).AddSeconds(10).ToString("O");
            var body = await (await ingest.PostItemsAsync(
                "/api/v1/ticks",
                TestApi.Tick("COMEX:SI", ts, on ? 31 : 29),
                TestApi.Tick("LME:CA.CASH", ts, on ? 9_120 : 9_080),
                TestApi.Tick("LME:CA", ts, 9_100))).OkJsonAsync();
            Assert.Equal(3, body["accepted"]!.GetValue<int>());
        }
    }

    private static async Task<JsonArray> WaitForAlertsAsync(HttpClient read, string state) =>
        await Eventually.GetAsync(
            async () => (await read.GetJsonAsync("/api/v1/alerts")).AsArray(),
            list => list.Count == 2 && list.All(a => a!["state"]!.GetValue<string>() == state),
            TimeSpan.FromSeconds(20),
            $"both alerts {state}");

    private int SavedStates(string name)
    {
        using var connection = new SqliteConnection($"Data Source={Path.Combine(_directory, "data", "monitor.grains.db")};Mode=ReadOnly;Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT count(*) FROM grain_state WHERE state_name = $name";
        command.Parameters.AddWithValue("$name", name);
        try
        {
            return Convert.ToInt32(command.ExecuteScalar(), CultureInfo.InvariantCulture);
        }
        catch (SqliteException)
        {
            return 0;
        }
    }
}
