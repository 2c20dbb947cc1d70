using System.Text.Json.Nodes;

namespace Monitor.Server.Tests;

/// <summary>Labels, pausing and expiry, rule versions and alert inputs in the live service.</summary>
public sealed partial class LiveRulesTests
{
    [Fact]
    public async Task LabelledRule_ItsAlertsCarryLabelsVersionAndInputs_StoredPushedAndFilterableByLabel()
    {
        await CreateRuleAsync("""
            {"id":"si-above-30-labelled","type":"threshold","interval":"1m","labels":{"desk":"précieux","トレーダー":"田中"},
             "params":{"input":"COMEX:SI","op":"above","value":30}}
            """);
        await PostAsync(("COMEX:SI", 0, 29), ("COMEX:SI", 1, 31), ("COMEX:SI", 2, 31));

        var alert = await WaitForAlertAsync("si-above-30-labelled", "firing");
        Assert.Equal("précieux", alert["labels"]!["desk"]!.GetValue<string>());
        Assert.Equal("田中", alert["labels"]!["トレーダー"]!.GetValue<string>());
        Assert.Equal(1, alert["ruleVersion"]!.GetValue<int>());
        var input = Assert.Single(alert["inputs"]!.AsArray())!;
        Assert.Equal("COMEX:SI", input["series"]!.GetValue<string>());
        Assert.Equal(31, input["value"]!.GetValue<double>());
        Assert.Equal(At(1), input["at"]!.GetValue<DateTimeOffset>()); // the 10:01 bar, whose close it read
        Assert.Null(input["asOf"]);

        var pushed = await WaitForPushesAsync(alert["id"]!.GetValue<string>(), 1);
        var pushedInput = Assert.Single(pushed[0].GetProperty("alert").GetProperty("inputs").EnumerateArray());
        Assert.Equal(31, pushedInput.GetProperty("value").GetDouble());

        var reader = _server.CreateClient((string?)null);
        Assert.Single(await ListAsync(reader, "/api/v1/alerts?label=desk=pr%C3%A9cieux&label=%E3%83%88%E3%83%AC%E3%83%BC%E3%83%80%E3%83%BC=%E7%94%B0%E4%B8%AD"));
        Assert.Empty(await ListAsync(reader, "/api/v1/alerts?label=desk=base"));
        Assert.Empty(await ListAsync(reader, "/api/v1/alerts?label=desk=precieux"));
        var rules = await ListAsync(reader, "/api/v1/rules?label=desk=pr%C3%A9cieux");
        Assert.Equal(["si-above-30-labelled"], rules.Select(r => r!["id"]!.GetValue<string>()));
    }

    [Fact]
    public async Task PausingAFiringRule_ResolvesItsAlert_RaisesNothingAndSaysSoInItsStatus()
    {
        const string Rule = """
            {"type":"threshold","interval":"1m","enabled":ENABLED,"params":{"input":"COMEX:HG","op":"above","value":4}}
            """;
        await PutRuleAsync("hg-above-4", Rule.Replace("ENABLED", "true", StringComparison.Ordinal));
        await PostAsync(("COMEX:HG", 0, 4.1), ("COMEX:HG", 1, 4.1));
        var firing = await WaitForAlertAsync("hg-above-4", "firing");

        await PutRuleAsync("hg-above-4", Rule.Replace("ENABLED", "false", StringComparison.Ordinal));
        var resolved = await WaitForAlertAsync("hg-above-4", "resolved");
        Assert.Equal(firing["id"]!.GetValue<string>(), resolved["id"]!.GetValue<string>());
        Assert.Equal(At(1), resolved["resolvedAt"]!.GetValue<DateTimeOffset>());

        await PostAsync(("COMEX:HG", 2, 4.2), ("COMEX:HG", 3, 4.3), ("COMEX:HG", 4, 4.3));
        var reader = _server.CreateClient((string?)null);
        var status = await Eventually.GetAsync(
            () => reader.GetJsonAsync("/api/v1/rules/hg-above-4/status"),
            s => s["evaluatedAt"]?.GetValue<DateTimeOffset>() == At(4),
            because: "the paused rule passed the close at 10:04");
        Assert.Equal("paused", status["outcome"]!.GetValue<string>());
        Assert.Contains("raises nothing", status["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Single(await AlertsAsync("hg-above-4"));
    }

    [Theory]
    [InlineData("""{"labels":{"desk":"a\u0007b"}}""", "labels.desk", "U+0007")]
    [InlineData("""{"labels":{"severity":"high"}}""", "labels.severity", "reserved")]
    [InlineData("""{"labels":{"desk":"\udc00"}}""", "labels.desk", "not valid Unicode")]
    [InlineData("""{"until":"soon"}""", "until", "ISO-8601")]
    public async Task BadLabelsOrUntil_Are400NamingTheField(string extra, string field, string detail)
    {
        string rule = """{"id":"bad-meta","type":"threshold","params":{"input":"COMEX:SI","op":"above","value":1},""" + extra[1..];
        var response = await _admin.PostAsync("/api/v1/rules", Json(rule));

        await response.AssertProblemAsync(400, detail);
        Assert.Contains(field, (await response.JsonAsync()).ToJsonString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/api/v1/rules?label=desk", "key=value")]
    [InlineData("/api/v1/alerts?label==x", "key=value")]
    [InlineData("/api/v1/alerts?label=desk=a&label=desk=b", "more than once")]
    public async Task BadLabelSelector_Is400(string url, string detail) =>
        await (await _server.CreateClient((string?)null).GetAsync(url)).AssertProblemAsync(400, detail);

    [Fact]
    public async Task EveryChange_IsAVersionWithWhoWhenAndTheFieldsThatChanged_KeptAfterTheRuleIsDeleted()
    {
        await CreateRuleAsync("""{"id":"gc-history","type":"threshold","interval":"1m","params":{"input":"COMEX:GC","op":"above","value":2000}}""");
        await PutRuleAsync("gc-history", """{"type":"threshold","interval":"1m","labels":{"desk":"métaux"},"params":{"input":"COMEX:GC","op":"above","value":2050}}""");
        await PutRuleAsync("gc-history", """{"type":"threshold","interval":"1m","labels":{"desk":"métaux"},"params":{"input":"COMEX:GC","op":"above","value":2050}}""");
        Assert.True((await _admin.DeleteAsync("/api/v1/rules/gc-history")).IsSuccessStatusCode);

        var versions = await ListAsync(_server.CreateClient((string?)null), "/api/v1/rules/gc-history/versions");

        Assert.Equal([3, 2, 1], versions.Select(v => v!["version"]!.GetValue<int>()));
        Assert.Equal(["deleted", "changed", "created"], versions.Select(v => v!["change"]!.GetValue<string>()));
        Assert.All(versions, v => Assert.Equal("ops", v!["changedBy"]!.GetValue<string>()));
        Assert.Null(versions[0]!["definition"]);
        Assert.Equal(2050, versions[1]!["definition"]!["params"]!["value"]!.GetValue<double>());
        var changes = versions[1]!["changes"]!.AsArray();
        Assert.Equal(["labels", "params.value"], changes.Select(c => c!["field"]!.GetValue<string>()));
        Assert.Null(changes[0]!["from"]);
        Assert.Equal("métaux", changes[0]!["to"]!["desk"]!.GetValue<string>());
        Assert.Equal(2000, changes[1]!["from"]!.GetValue<double>());
        await (await _admin.GetAsync("/api/v1/rules/never-was/versions")).AssertProblemAsync(404, "never was");
    }

    [Fact]
    public async Task BacktestOfAnEarlierVersion_RunsThatDefinitionAndItsAlertsRecordIt()
    {
        await CreateRuleAsync("""{"id":"pl-above","type":"threshold","interval":"1m","params":{"input":"NYMEX:PL","op":"above","value":1000}}""");
        await PutRuleAsync("pl-above", """{"type":"threshold","interval":"1m","params":{"input":"NYMEX:PL","op":"above","value":5000}}""");
        await PostAsync(("NYMEX:PL", 0, 990), ("NYMEX:PL", 1, 1010), ("NYMEX:PL", 2, 1010));
        var live = await Eventually.GetAsync(
            () => _server.CreateClient((string?)null).GetJsonAsync("/api/v1/rules/pl-above/status"),
            s => s["evaluatedAt"]?.GetValue<DateTimeOffset>() == At(2),
            because: "the live rule evaluated the close at 10:02");

        var first = await BacktestAsync("""{"ruleIds":["pl-above"],"version":1}""");
        var current = await BacktestAsync("""{"ruleIds":["pl-above"],"version":2}""");

        Assert.Equal("conditionFalse", live["outcome"]!.GetValue<string>());
        var alert = Assert.Single(first["alerts"]!.AsArray())!;
        Assert.Equal(1, alert["ruleVersion"]!.GetValue<int>());
        Assert.Equal(1010, alert["inputs"]![0]!["value"]!.GetValue<double>());
        Assert.Empty(current["alerts"]!.AsArray());
        await (await _admin.PostAsync("/api/v1/backtests", Json("""{"ruleIds":["pl-above"],"version":9}"""))).AssertProblemAsync(400, "has no version 9");
        await (await _admin.PostAsync("/api/v1/backtests", Json("""{"ruleIds":["pl-above","gc-x"],"version":1}"""))).AssertProblemAsync(400, "exactly one id");
    }

    private async Task<JsonNode> BacktestAsync(string body)
    {
        var started = await (await _admin.PostAsync("/api/v1/backtests", Json(body))).OkJsonAsync();
        string id = started["id"]!.GetValue<string>();
        var report = await Eventually.GetAsync(
            () => _admin.GetJsonAsync($"/api/v1/backtests/{id}"),
            r => r["state"]!.GetValue<string>() != "running",
            because: $"backtest {body} ends");
        Assert.True(report["state"]!.GetValue<string>() == "completed", report.ToJsonString());
        return report;
    }

    private async Task PutRuleAsync(string id, string json)
    {
        var response = await _admin.PutAsync($"/api/v1/rules/{id}", Json(json));
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
    }

    private static async Task<JsonArray> ListAsync(HttpClient client, string url) => (await client.GetJsonAsync(url)).AsArray();
}
