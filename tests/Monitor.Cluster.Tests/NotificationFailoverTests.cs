using Npgsql;

namespace Monitor.Cluster.Tests;

/// <summary>
/// The notification policy's runner fails over: two silos on PostgreSQL, the one holding the runner's lease is killed
/// (kill -9) while a group waits out its <c>groupWait</c>, and the other takes the lease over and sends the group's
/// notification, once, then the resolution, once.
/// </summary>
public sealed class NotificationFailoverTests
{
    private static readonly string[] Settings =
    [
        "--Monitor:Notifications:PollInterval=200ms",
        "--Monitor:Notifications:Lease=2s",
        "--Monitor:Webhooks:PollInterval=200ms",
    ];

    [Fact]
    public async Task RunnerSiloKilledWhileAGroupWaits_TheOtherSiloSendsItOnce()
    {
        await using var chat = await ChatServices.StartAsync();
        await using var cluster = await SiloCluster.StartAsync(2, Settings);
        var (a, b) = (cluster[0], cluster[1]);
        await (await a.CreateClient(TestApiKeys.Admin).PutAsync("/api/v1/notifications", new StringContent($$$"""
            {"receivers":[{"name":"desk-slack","slack":{"url":"{{{chat.SlackUrl}}}"}}],
             "route":{"receiver":"desk-slack","groupBy":["ruleId"],"groupWait":"10s","groupInterval":"1s"}}
            """, System.Text.Encoding.UTF8, "application/json"))).OkJsonAsync();
        int runner = await Eventually.GetAsync(() => RunnerSiloAsync(cluster), i => i >= 0, TimeSpan.FromSeconds(20), "a silo holding the runner's lease");
        var (runnerSilo, survivor) = runner == 0 ? (a, b) : (b, a);

        // The rule runs in a grain on the silo that survives, so its episode goes on undisturbed.
        var (_, onSurvivor) = await GrainPlacement.PlaceAsync(runnerSilo, survivor, 1);
        string instrument = onSurvivor[0];
        await (await survivor.CreateClient(TestApiKeys.Admin).PostJsonAsync("/api/v1/rules", $$$"""
            {"id":"failover-rule","type":"threshold","interval":"1m","evaluate":"tick","params":{"input":"{{{instrument}}}","op":"above","value":100}}
            """)).OkJsonAsync();
        await PostAsync(survivor, instrument, 101);
        await Eventually.GetAsync(
            async () => (await survivor.CreateClient(TestApiKeys.Read).GetJsonAsync("/api/v1/notifications/groups")).AsArray(),
            groups => groups.Count == 1,
            TimeSpan.FromSeconds(20),
            "the group stored by the runner");

        await cluster.KillAsync(runner);
        Assert.Empty(chat.Accepted);

        var firing = Assert.Single(await chat.WaitForAsync("slack", 1));
        Assert.Equal("[FIRING:1] failover-rule", firing.Body["text"]!.GetValue<string>());
        Assert.Equal(cluster.Index(survivor), await RunnerSiloAsync(cluster));
        await PostAsync(survivor, instrument, 99);
        await chat.WaitForAsync("slack", 2);
        var log = await Eventually.GetAsync(
            async () => (await survivor.CreateClient(TestApiKeys.Admin).GetJsonAsync("/api/v1/notifications/log")).AsArray(),
            list => list.Count == 2 && list.All(n => n!["state"]!.GetValue<string>() == "delivered"),
            TimeSpan.FromSeconds(20),
            "both notifications delivered");
        Assert.Equal(["[FIRING:1] failover-rule", "[RESOLVED:1] failover-rule"], chat.Accepted.Select(r => r.Body["text"]!.GetValue<string>()));
        Assert.Equal(["firing", "resolved"], log.Select(n => n!["status"]!.GetValue<string>()).Order(StringComparer.Ordinal));
    }

    /// <summary>The index of the silo whose process holds the runner's lease (its owner names the process), or -1.</summary>
    private static async Task<int> RunnerSiloAsync(SiloCluster cluster)
    {
        await using var connection = new NpgsqlConnection(cluster.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT owner FROM notification_runner WHERE lease_until > now()", connection);
        return await command.ExecuteScalarAsync() is string owner ? cluster.IndexOfProcess(int.Parse(owner.Split(':')[1], System.Globalization.CultureInfo.InvariantCulture)) : -1;
    }

    private static async Task PostAsync(ServerProcess silo, string instrument, double price) =>
        (await silo.CreateClient(TestApiKeys.Ingest).PostItemsAsync("/api/v1/ticks", TestApi.Tick(instrument, DateTimeOffset.UtcNow.ToString("O"), price)))
            .EnsureSuccessStatusCode();
}
