using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using Monitor.Testing;

namespace Monitor.Server.Tests;

/// <summary><c>/api/v1/backtests</c>: jobs accepted at once, run in the background, read back by id; validation by field.</summary>
[Collection(ServerCollection.Name)]
public sealed class BacktestsApiTests(MonitorServerFactory server)
{
    private static readonly DateTimeOffset Start = new(2021, 3, 1, 0, 0, 0, TimeSpan.Zero);

    private readonly HttpClient _admin = server.CreateClient(MonitorServerFactory.AdminKey);

    [Fact]
    public async Task InlineRules_AcceptedRunAndReadBack_WithAlertsStatsAndParameters()
    {
        string instrument = await NewInstrumentWithTicksAsync(_admin);

        var accepted = await _admin.PostJsonAsync("/api/v1/backtests", $$"""
            {"rules":[{{Rule("high", instrument)}}],"from":"{{Start:O}}","to":"{{Start.AddDays(30):O}}"}
            """);

        Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        string id = (await accepted.OkJsonAsync())["id"]!.GetValue<string>();
        Assert.Equal($"/api/v1/backtests/{id}", accepted.Headers.Location?.OriginalString);
        var first = await server.CreateClient((string?)null).GetJsonAsync($"/api/v1/backtests/{id}");
        Assert.Contains(first["state"]!.GetValue<string>(), new[] { "running", "completed" });
        Assert.InRange(first["progress"]!.GetValue<double>(), 0, 1);

        var report = await CompletedAsync(_admin, id);
        Assert.Equal(1, report["progress"]!.GetValue<double>());
        Assert.Equal(20 * 4, report["stats"]!["ticks"]!.GetValue<long>());
        // Above 110 at the closes of days 10-11, 13, 15 and 17, each resolved by the next 90 (day 19 has not closed: no tick came after it).
        var alerts = report["alerts"]!.AsArray();
        Assert.Equal(4, alerts.Count);
        Assert.Equal(Start.AddDays(11), DateTimeOffset.Parse(alerts[0]!["firedAt"]!.GetValue<string>(), CultureInfo.InvariantCulture));
        Assert.Equal(Start.AddDays(13), DateTimeOffset.Parse(alerts[0]!["resolvedAt"]!.GetValue<string>(), CultureInfo.InvariantCulture));
        Assert.Equal(4, report["rules"]!["high"]!["fired"]!.GetValue<int>());
        Assert.Equal(4, report["rules"]!["high"]!["resolved"]!.GetValue<int>());
        Assert.Equal("high", report["parameters"]!["rules"]![0]!["id"]!.GetValue<string>());
    }

    [Fact]
    public async Task InlinePolicy_ReplayedOverTheAlerts_NotificationsCountedPerReceiverAndRule()
    {
        string instrument = await NewInstrumentWithTicksAsync(_admin);

        // Both receivers get every transition of the rule; one does not want resolved alerts.
        var accepted = await _admin.PostJsonAsync("/api/v1/backtests", $$$$"""
            {"rules":[{{{{Rule("high", instrument)}}}}],"from":"{{{{Start:O}}}}","to":"{{{{Start.AddDays(30):O}}}}",
             "policy":{"receivers":[{"name":"desk","slack":{"url":"https://hooks.slack.com/services/T/B/X"}},
                                    {"name":"quiet","sendResolved":false,"slack":{"url":"https://hooks.slack.com/services/T/B/Y"}}],
                       "route":{"receiver":"desk","groupBy":["ruleId"],"groupWait":"30s","groupInterval":"5m","repeatInterval":"30d",
                                "routes":[{"matchers":["ruleId=high"],"receiver":"desk","continue":true},{"matchers":["ruleId=high"],"receiver":"quiet"}]}}}
            """);

        var report = await CompletedAsync(_admin, (await accepted.OkJsonAsync())["id"]!.GetValue<string>());
        // Four episodes, each a group of its own: its first notification, then (to desk only) its resolution.
        var desk = report["notifications"]!["receivers"]!["desk"]!;
        var quiet = report["notifications"]!["receivers"]!["quiet"]!;
        Assert.Equal([8, 8, 4, 0, 0, 4], Counts(desk, "transitions", "notifications", "first", "updates", "repeats", "resolved"));
        Assert.Equal([8, 4, 4, 0, 0, 0], Counts(quiet, "transitions", "notifications", "first", "updates", "repeats", "resolved"));
        Assert.Equal([0, 0, 0, 0, 0], Counts(desk["removed"]!, "grouping", "silences", "inhibition", "muteTimings", "sendResolved"));
        Assert.Equal([0, 0, 0, 0, 4], Counts(quiet["removed"]!, "grouping", "silences", "inhibition", "muteTimings", "sendResolved"));
        Assert.Equal([4, 12], Counts(report["notifications"]!["rules"]!["high"]!, "alertsFired", "notifications"));
    }

    [Fact]
    public async Task StoredRuleIds_RunTheStoredDefinitions()
    {
        string instrument = await NewInstrumentWithTicksAsync(_admin);
        string ruleId = "bt-" + instrument.Replace(':', '-').ToLowerInvariant();
        (await _admin.PostJsonAsync("/api/v1/rules", Rule(ruleId, instrument))).EnsureSuccessStatusCode();

        var accepted = await _admin.PostJsonAsync("/api/v1/backtests", $$"""{"ruleIds":["{{ruleId}}"]}""");

        var report = await CompletedAsync(_admin, (await accepted.OkJsonAsync())["id"]!.GetValue<string>());
        Assert.Equal(ruleId, report["alerts"]![0]!["ruleId"]!.GetValue<string>());
        Assert.Null(report["parameters"]!["from"]);
    }

    [Fact]
    public async Task InvalidRequests_400WithEveryProblemByField()
    {
        var both = await _admin.PostJsonAsync("/api/v1/backtests", """{"rules":[],"ruleIds":[]}""");
        await both.AssertProblemAsync(400, "either 'rules'");

        var response = await _admin.PostJsonAsync("/api/v1/backtests", """
            {"rules":[{"id":"a","type":"threshold","params":{"input":"COMEX:SI","op":"over","value":1}},
                      {"id":"b","type":"percentMove","params":{"input":"COMEX:SI","window":"P15X","minPct":2}}],
             "from":"2026-02-01T00:00:00Z","to":"2026-01-01T00:00:00Z","limit":3}
            """);
        await response.AssertProblemAsync(400, "rules[0].params.op");
        var errors = (await response.JsonAsync())["errors"]!.AsObject().Select(e => e.Key).ToArray();
        Assert.Contains("rules[0].params.op", errors);
        Assert.Contains("rules[1].params.window", errors);
        Assert.Contains("to", errors);
        Assert.Contains("limit", errors);

        var unknown = await _admin.PostJsonAsync("/api/v1/backtests", """{"ruleIds":["no-such-rule", 7],"from":"yesterday"}""");
        var unknownErrors = (await unknown.JsonAsync())["errors"]!.AsObject().Select(e => e.Key).ToArray();
        Assert.Equal(["ruleIds[0]", "ruleIds[1]", "from"], unknownErrors);

        await (await _admin.PostJsonAsync("/api/v1/backtests", "[1]")).AssertProblemAsync(400, "must be an object");
        await (await _admin.PostJsonAsync("/api/v1/backtests", "{\"rules\":")).AssertProblemAsync(400, "not valid JSON");
        await (await _admin.PostJsonAsync("/api/v1/backtests", "{}", "text/plain")).AssertProblemAsync(415, "application/json");
        await (await server.CreateClient(MonitorServerFactory.ReadKey).PostJsonAsync("/api/v1/backtests", "{}")).AssertProblemAsync(403, "role");
        await (await _admin.GetAsync("/api/v1/backtests/0123456789abcdef0123456789abcdef")).AssertProblemAsync(404, "no backtest");
        await (await _admin.GetAsync("/api/v1/backtests/..%2f")).AssertProblemAsync(404, "no backtest");
    }

    [Fact]
    public async Task JobThatFails_ReportsFailedWithTheReason()
    {
        using var limited = new MonitorServerFactory(new Dictionary<string, string> { ["Monitor:Backtests:MaxAlerts"] = "1" });
        var admin = limited.CreateClient(MonitorServerFactory.AdminKey);
        string instrument = await NewInstrumentWithTicksAsync(admin);

        // Crosses above 100 at day 10 and again every other day after: more than one alert.
        var accepted = await admin.PostJsonAsync("/api/v1/backtests", $$$"""
            {"rules":[{"id":"flappy","type":"threshold","params":{"input":"{{{instrument}}}","op":"crossesAbove","value":100}}]}
            """);
        string id = (await accepted.OkJsonAsync())["id"]!.GetValue<string>();

        var failed = await Eventually.GetAsync(() => admin.GetJsonAsync($"/api/v1/backtests/{id}"), r => r["state"]!.GetValue<string>() != "running", TimeSpan.FromSeconds(30));
        Assert.Equal("failed", failed["state"]!.GetValue<string>());
        Assert.Contains("more than 1 alerts", failed["error"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    private static string Rule(string id, string instrument) => $$$"""
        {"id":"{{{id}}}","name":"Above 110","type":"threshold","params":{"input":"{{{instrument}}}","op":"above","value":110}}
        """;

    private static int[] Counts(JsonNode node, params string[] names) => [.. names.Select(n => node[n]!.GetValue<int>())];

    private static async Task<JsonNode> CompletedAsync(HttpClient client, string id)
    {
        var report = await Eventually.GetAsync(
            () => client.GetJsonAsync($"/api/v1/backtests/{id}"), r => r["state"]!.GetValue<string>() != "running", TimeSpan.FromSeconds(30));
        Assert.True(report["state"]!.GetValue<string>() == "completed", report.ToJsonString());
        return report;
    }

    /// <summary>
    /// An instrument of its own with 20 days of 4 ticks a day: 100 for ten days, then 115 (so a rule "above 110" fires at
    /// the close of day 10, Start + 11 days), then alternately 90 and 120.
    /// </summary>
    private static async Task<string> NewInstrumentWithTicksAsync(HttpClient admin)
    {
        string instrument = "BT:" + Guid.NewGuid().ToString("N")[..10].ToUpperInvariant();
        (await admin.PutAsync($"/api/v1/instruments/{instrument}", new StringContent(
            """{"name":"Backtest test","kind":"future","currency":"USD","unit":"USD/oz","intervals":["1m","1h","1d"]}""",
            System.Text.Encoding.UTF8, "application/json"))).EnsureSuccessStatusCode();
        var ticks = new List<object>();
        for (int day = 0; day < 20; day++)
        {
            double price = day < 10 ? 100 : day == 10 ? 115 : day % 2 == 0 ? 90 : 120;
            for (int i = 0; i < 4; i++)
            {
                ticks.Add(TestApi.Tick(instrument, Start.AddDays(day).AddHours(2 + (5 * i)).ToString("O", CultureInfo.InvariantCulture), price));
            }
        }

        var ingest = await admin.PostItemsAsync("/api/v1/ticks", [.. ticks]);
        Assert.Equal(80, (await ingest.OkJsonAsync())["accepted"]!.GetValue<int>());
        return instrument;
    }
}
