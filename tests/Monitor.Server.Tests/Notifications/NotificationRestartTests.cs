using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace Monitor.Server.Tests.Notifications;

/// <summary>
/// The policy's decisions survive a kill -9 of a real server process on PostgreSQL: a notification pending in the
/// outbox (its receiver refused it) and a group still waiting out its <c>groupWait</c> are each delivered exactly once
/// by the restarted server.
/// </summary>
public sealed class NotificationRestartTests : IAsyncLifetime
{
    private string _database = "";

    public async Task InitializeAsync() => _database = await TestPostgres.CreateDatabaseAsync("monitor_notify_restart");

    public Task DisposeAsync() => TestPostgres.DropDatabaseAsync(_database);

    [Fact]
    public async Task KillNineWithANotificationPendingAndAGroupWaiting_EachDeliveredOnceAfterRestart()
    {
        await using var chat = await ChatServices.StartAsync();
        await using var hook = await WebhookReceiver.StartAsync();
        hook.Respond = (_, _) => Task.FromResult(Results.StatusCode(503));
        string directory = Directory.CreateTempSubdirectory("monitor-notify-crash-").FullName;
        string[] settings =
        [
            "--Monitor:Storage:Provider=postgres",
            $"--ConnectionStrings:Monitor={_database}",
            "--Monitor:Webhooks:AllowPrivateNetworks=true",
            "--Monitor:Webhooks:RetrySchedule=0s,3s,1s,1s,1s,1s,1s,1s,1s,1s",
            "--Monitor:Webhooks:Timeout=3s",
            "--Monitor:Webhooks:PollInterval=200ms",
            "--Monitor:Notifications:PollInterval=200ms",
            "--Monitor:Notifications:Lease=2s",
        ];
        try
        {
            string pendingId;
            await using (var server = await ServerProcess.StartAsync(directory, settings))
            {
                var admin = server.CreateClient(MonitorServerFactory.AdminKey);
                string webhookId = (await (await admin.PostJsonAsync("/api/v1/webhooks", $$"""{"url":"{{hook.Url}}"}""")).OkJsonAsync())["id"]!.GetValue<string>();
                (await admin.PostJsonAsync("/api/v1/rules", Rule("si-hook", "COMEX:SI", 30))).EnsureSuccessStatusCode();
                (await admin.PostJsonAsync("/api/v1/rules", Rule("gc-slack", "COMEX:GC", 2000))).EnsureSuccessStatusCode();
                await (await admin.PutAsync("/api/v1/notifications", Json(Policy(chat, webhookId)))).OkJsonAsync();
                await PostAsync(server, ("COMEX:SI", 31), ("COMEX:GC", 2010));

                // The silver notification is refused and waits in the outbox for its next attempt; the gold group
                // waits out its 20 s groupWait: the process dies with both undelivered.
                var pending = await Eventually.GetAsync(
                    async () => (await admin.GetJsonAsync("/api/v1/notifications/log?receiver=risk-hook")).AsArray(),
                    log => log.Count == 1 && log[0]!["attempts"]!.AsArray().Count >= 1,
                    TimeSpan.FromSeconds(30),
                    "the silver notification attempted and refused");
                pendingId = pending[0]!["id"]!.GetValue<string>();
                await Eventually.GetAsync(
                    async () => (await admin.GetJsonAsync("/api/v1/notifications/groups")).AsArray(),
                    groups => groups.Any(g => g!["receiver"]!.GetValue<string>() == "desk-slack"),
                    TimeSpan.FromSeconds(30),
                    "the gold group stored, waiting");
                await server.KillAsync();
                Assert.Equal("pending", pending[0]!["state"]!.GetValue<string>());
                Assert.Empty(chat.Accepted);
            }

            hook.Respond = (_, _) => Task.FromResult(Results.Ok());
            await using (var restarted = await ServerProcess.StartAsync(directory, settings))
            {
                var admin = restarted.CreateClient(MonitorServerFactory.AdminKey);
                var firing = Assert.Single(await chat.WaitForAsync("slack", 1));
                Assert.Equal("[FIRING:1] gc-slack", firing.Body["text"]!.GetValue<string>());
                await Eventually.GetAsync(
                    async () => await admin.GetJsonAsync($"/api/v1/notifications/log/{pendingId}"),
                    n => n["state"]!.GetValue<string>() == "delivered",
                    TimeSpan.FromSeconds(30),
                    "the pending silver notification delivered after the restart");

                // Both alerts resolve: their resolutions come after anything the restart could have sent twice.
                await PostAsync(restarted, ("COMEX:SI", 29), ("COMEX:GC", 1990));
                await chat.WaitForAsync("slack", 2);
                var log = await Eventually.GetAsync(
                    async () => (await admin.GetJsonAsync("/api/v1/notifications/log")).AsArray(),
                    list => list.Count == 4 && list.All(n => n!["state"]!.GetValue<string>() == "delivered"),
                    TimeSpan.FromSeconds(60),
                    "four notifications delivered: each alert firing and resolved");
                Assert.Equal(["firing", "firing", "resolved", "resolved"], log.Select(n => n!["status"]!.GetValue<string>()).Order(StringComparer.Ordinal));
            }

            Assert.Equal(["[FIRING:1] gc-slack", "[RESOLVED:1] gc-slack"], chat.Accepted.Select(r => r.Body["text"]!.GetValue<string>()));
            var accepted = hook.Received.Where((_, i) => i >= hook.Received.Count - 2).ToList();
            Assert.Equal(pendingId, accepted[0].Id);
            Assert.Equal(["notification.firing", "notification.resolved"], accepted.Select(r => JsonNode.Parse(r.Body)!["type"]!.GetValue<string>()));
            Assert.All(hook.Received.SkipLast(2), r => Assert.Equal(pendingId, r.Id));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    private static string Rule(string id, string instrument, double above) => $$$"""
        {"id":"{{{id}}}","type":"threshold","severity":"warning","interval":"1m","evaluate":"tick",
         "params":{"input":"{{{instrument}}}","op":"above","value":{{{above.ToString(CultureInfo.InvariantCulture)}}}}}
        """;

    /// <summary>Silver to a webhook at once; gold to Slack after 20 s. Group names are the rule ids.</summary>
    private static string Policy(ChatServices chat, string webhookId) => $$$"""
        {"receivers":[{"name":"risk-hook","webhook":{"id":"{{{webhookId}}}"}},{"name":"desk-slack","slack":{"url":"{{{chat.SlackUrl}}}"}}],
         "route":{"receiver":"risk-hook","groupBy":["ruleId"],"groupWait":"0s","groupInterval":"1s",
                  "routes":[{"matchers":["ruleId=gc-slack"],"receiver":"desk-slack","groupWait":"20s"}]}}
        """;

    /// <summary>A tick per instrument now (the rules evaluate every tick, so each changes state at once).</summary>
    private static async Task PostAsync(ServerProcess server, params (string Instrument, double Price)[] prices)
    {
        string now = DateTimeOffset.UtcNow.ToString("O");
        var ticks = prices.Select(p => TestApi.Tick(p.Instrument, now, p.Price)).ToArray();
        (await server.CreateClient(MonitorServerFactory.IngestKey).PostItemsAsync("/api/v1/ticks", ticks)).EnsureSuccessStatusCode();
    }

    private static StringContent Json(string json) => new(json, System.Text.Encoding.UTF8, "application/json");
}
