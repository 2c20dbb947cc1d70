using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Monitor.Server.Tests.Notifications;

/// <summary>
/// The policy and the channels together in the server: alerts raised by ticks posted over HTTP, routed, grouped,
/// inhibited, repeated and acknowledged as the policy says, and delivered to real receivers on loopback (Slack, Teams
/// and Telegram stand-ins that check the documented shapes, a Standard Webhooks endpoint, aiosmtpd for email). The
/// server runs on a fake clock: the test moves it to each flush of the groups and waits, with a deadline, for the policy
/// runner to have flushed them; then it counts exactly what arrived.
/// </summary>
public sealed class PolicyEndToEndTests
{
    /// <summary>Monday 2 March 2026, 10:01:10 UTC: the second minute's ticks are posted now.</summary>
    private static readonly DateTimeOffset Start = new(2026, 3, 2, 10, 1, 10, TimeSpan.Zero);

    /// <summary>The bar of 10:00 closes at 10:01: every rule fires then, and every group flushes 30 s later.</summary>
    private static readonly DateTimeOffset Fired = new(2026, 3, 2, 10, 1, 0, TimeSpan.Zero);

    [Fact]
    public async Task RoutedGroupedInhibitedAcknowledgedAndRepeated_EachReceiverGetsExactlyWhatThePolicySays()
    {
        await using var chat = await ChatServices.StartAsync();
        await using var smtp = await SmtpServer.StartAsync();
        await using var hook = await WebhookReceiver.StartAsync();
        var clock = new FakeTimeProvider(Start);
        await using var server = new MonitorServerFactory(
            new() { ["Monitor:Webhooks:AllowPrivateNetworks"] = "true" }, services => services.AddSingleton<TimeProvider>(clock));
        var admin = server.CreateClient(MonitorServerFactory.AdminKey);
        var ingest = server.CreateClient(MonitorServerFactory.IngestKey);
        var reader = server.CreateClient(MonitorServerFactory.ReadKey);

        string webhookId = (await (await admin.PostJsonAsync("/api/v1/webhooks", $$"""{"url":"{{hook.Url}}"}""")).OkJsonAsync())["id"]!.GetValue<string>();
        foreach (string rule in (string[])[
            Rule("si-critical", "critical", "COMEX:SI", 31, "precious"), Rule("si-warning", "warning", "COMEX:SI", 30, "precious"),
            Rule("gc-warning", "warning", "COMEX:GC", 2000, "precious"), Rule("hg-warning", "warning", "COMEX:HG", 5, "base")])
        {
            (await admin.PostJsonAsync("/api/v1/rules", rule)).EnsureSuccessStatusCode();
        }

        await (await admin.PutAsync("/api/v1/notifications", Json(Policy(chat, smtp, webhookId)))).OkJsonAsync();

        // Minutes 10:00 and 10:01: the bar of 10:00 closes above every threshold, so all four rules fire at 10:01.
        await PostAsync(ingest, clock, ("COMEX:SI", 31.5, 31.5), ("COMEX:GC", 2010, 2010), ("COMEX:HG", 5.2, 5.2));
        await FlushAtAsync(reader, clock, Fired.AddSeconds(30), groups: 5);

        // The first flush: the critical silver alert by email, gold to the webhook, copper to Teams and Telegram; the
        // silver warning is inhibited by the critical one on the same instrument, so Slack gets nothing.
        var firstMail = Assert.Single(await smtp.WaitForAsync(1));
        Assert.Equal("[FIRING:1] COMEX:SI", firstMail.Subject);
        Assert.Contains("si-critical", firstMail.TextBody, StringComparison.Ordinal);
        var gold = JsonNode.Parse(Assert.Single(await hook.WaitForAsync(1)).Body)!["data"]!["notification"]!;
        Assert.Equal("first", gold["reason"]!.GetValue<string>());
        Assert.Equal("gc-warning", Assert.Single(gold["alerts"]!.AsArray())!["ruleId"]!.GetValue<string>());
        Assert.Equal("[FIRING:1] base", (await chat.WaitForAsync("teams", 1))[0].Body["attachments"]![0]!["content"]!["body"]![0]!["text"]!.GetValue<string>());
        Assert.StartsWith("[FIRING:1] base\n\n- [warning] firing: hg-warning", (await chat.WaitForAsync("telegram", 1))[0].Body["text"]!.GetValue<string>(), StringComparison.Ordinal);
        await WaitForLogAsync(admin, 4);

        // 10:02 and 10:03: silver falls to 30.5, so the critical alert resolves at 10:03 and the warning keeps firing;
        // the desk acknowledges the gold alert.
        clock.SetUtcNow(Start.AddMinutes(2));
        await PostAsync(ingest, clock, ("COMEX:SI", 30.5, 30.5));
        string goldAlert = gold["alerts"]![0]!["id"]!.GetValue<string>();
        (await reader.PostJsonAsync($"/api/v1/alerts/{goldAlert}/ack", """{"by":"desk"}""")).EnsureSuccessStatusCode();

        // 10:06:30: the resolution by email (sent once; its group ends), the silver warning to Slack now that nothing
        // inhibits it, and nothing to the others (unchanged, their repeat is not due).
        await FlushAtAsync(reader, clock, Fired.AddSeconds(30).AddMinutes(5), groups: 4);
        var slack = Assert.Single(await chat.WaitForAsync("slack", 1));
        Assert.Equal("[FIRING:1] precious", slack.Body["text"]!.GetValue<string>());
        Assert.Contains("si-warning", slack.Body["blocks"]!.ToJsonString(), StringComparison.Ordinal);
        Assert.Equal("[RESOLVED:1] COMEX:SI", (await smtp.WaitForAsync(2))[1].Subject);
        await WaitForLogAsync(admin, 6);

        // Every five minutes until an hour after the first notification: only the unacknowledged copper group repeats
        // (to Teams and Telegram, at 11:01:30); the acknowledged gold group does not, and Slack's repeat is not due.
        for (int flush = 2; flush <= 12; flush++)
        {
            await FlushAtAsync(reader, clock, Fired.AddSeconds(30).AddMinutes(5 * flush), groups: 4);
        }

        await WaitForLogAsync(admin, 8);
        Assert.Equal(2, (await chat.WaitForAsync("teams", 2)).Count);
        Assert.All(await chat.WaitForAsync("telegram", 2), r => Assert.StartsWith("[FIRING:1] base", r.Body["text"]!.GetValue<string>(), StringComparison.Ordinal));
        Assert.Single(chat.Accepted, r => r.Service == "slack");
        Assert.Equal(2, smtp.Messages.Count);
        Assert.Single(hook.Received);
        var log = await WaitForLogAsync(admin, 8);
        Assert.All(log, n => Assert.Equal("delivered", n!["state"]!.GetValue<string>()));
        Assert.Equal(
            ["desk-slack", "desk-teams", "desk-teams", "desk-telegram", "desk-telegram", "ops-mail", "ops-mail", "risk-hook"],
            log.Select(n => n!["receiver"]!.GetValue<string>()).Order(StringComparer.Ordinal));
    }

    private static string Rule(string id, string severity, string instrument, double above, string desk) => $$$"""
        {"id":"{{{id}}}","type":"threshold","severity":"{{{severity}}}","interval":"1m","labels":{"desk":"{{{desk}}}"},
         "params":{"input":"{{{instrument}}}","op":"above","value":{{{above.ToString(CultureInfo.InvariantCulture)}}}}}
        """;

    /// <summary>
    /// Root: Slack, grouped by desk. Critical alerts go by email grouped by instrument and go on down the tree; base
    /// metals to Teams and Telegram; the gold rule to a webhook. A critical alert inhibits warnings on its instrument.
    /// </summary>
    private static string Policy(ChatServices chat, SmtpServer smtp, string webhookId) => new JsonObject
    {
        ["receivers"] = new JsonArray(
            new JsonObject { ["name"] = "desk-slack", ["slack"] = new JsonObject { ["url"] = chat.SlackUrl } },
            new JsonObject { ["name"] = "desk-teams", ["teams"] = new JsonObject { ["url"] = chat.TeamsUrl } },
            new JsonObject
            {
                ["name"] = "desk-telegram",
                ["telegram"] = new JsonObject { ["botToken"] = ChatServices.BotToken, ["chatId"] = "-100123", ["apiBase"] = chat.BaseAddress.ToString() },
            },
            new JsonObject
            {
                ["name"] = "ops-mail",
                ["email"] = new JsonObject
                {
                    ["to"] = new JsonArray("ops@example.com"),
                    ["from"] = "monitor@example.com",
                    ["smtp"] = new JsonObject
                    {
                        ["host"] = SmtpServer.Host, ["port"] = smtp.Port, ["startTls"] = true, ["username"] = SmtpServer.User,
                        ["password"] = SmtpServer.Password, ["caCertificate"] = smtp.CertificatePem,
                    },
                },
            },
            new JsonObject { ["name"] = "risk-hook", ["webhook"] = new JsonObject { ["id"] = webhookId } }),
        ["route"] = JsonNode.Parse("""
            {"receiver":"desk-slack","groupBy":["desk"],"groupWait":"30s","groupInterval":"5m","repeatInterval":"1h",
             "routes":[{"matchers":["severity=critical"],"receiver":"ops-mail","groupBy":["instrument"],"continue":true},
                       {"matchers":["desk=base"],"receiver":"desk-teams","continue":true},
                       {"matchers":["desk=base"],"receiver":"desk-telegram"},
                       {"matchers":["ruleId=gc-warning"],"receiver":"risk-hook"}]}
            """),
        ["inhibitRules"] = JsonNode.Parse("""[{"sourceMatchers":["severity=critical"],"targetMatchers":["severity=warning"],"equal":["instrument"]}]"""),
    }.ToJsonString();

    /// <summary>Posts a tick per instrument at 10 s past the clock's minute and the minute before, at the prices given.</summary>
    private static async Task PostAsync(HttpClient ingest, FakeTimeProvider clock, params (string Instrument, double Previous, double Current)[] prices)
    {
        var now = clock.GetUtcNow();
        var minute = new DateTimeOffset(now.Ticks - (now.Ticks % TimeSpan.TicksPerMinute), TimeSpan.Zero).AddSeconds(10);
        var ticks = prices.SelectMany(p => new[]
        {
            TestApi.Tick(p.Instrument, minute.AddMinutes(-1).ToString("O"), p.Previous),
            TestApi.Tick(p.Instrument, minute.ToString("O"), p.Current),
        });
        (await ingest.PostItemsAsync("/api/v1/ticks", [.. ticks])).EnsureSuccessStatusCode();
    }

    /// <summary>
    /// Moves the clock to <paramref name="at"/>, a flush of the groups, and waits until the policy runner has flushed:
    /// <paramref name="groups"/> groups, none due at or before <paramref name="at"/> any more.
    /// </summary>
    private static async Task FlushAtAsync(HttpClient reader, FakeTimeProvider clock, DateTimeOffset at, int groups)
    {
        clock.SetUtcNow(at);
        await Eventually.GetAsync(
            async () => (await reader.GetJsonAsync("/api/v1/notifications/groups")).AsArray(),
            list => list.Count == groups && list.All(g => DateTimeOffset.Parse(g!["nextFlushAt"]!.GetValue<string>(), CultureInfo.InvariantCulture) > at),
            TimeSpan.FromSeconds(30),
            $"{groups} groups flushed at {at:O}");
    }

    /// <summary>
    /// Waits until the notification log holds <paramref name="count"/> notifications, every one delivered (before the
    /// clock moves on, so no send in flight meets a timeout on the fake clock).
    /// </summary>
    private static async Task<JsonArray> WaitForLogAsync(HttpClient admin, int count) => await Eventually.GetAsync(
        async () => (await admin.GetJsonAsync("/api/v1/notifications/log")).AsArray(),
        log => log.Count == count && log.All(n => n!["state"]!.GetValue<string>() == "delivered"),
        TimeSpan.FromSeconds(30),
        $"{count} notifications delivered");

    private static StringContent Json(string json) => new(json, System.Text.Encoding.UTF8, "application/json");
}
