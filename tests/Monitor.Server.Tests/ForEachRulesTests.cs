using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;

namespace Monitor.Server.Tests;

/// <summary>forEach rules live: one rule, one alert per matching instrument, instruments added later included. Its own server: it adds instruments.</summary>
public sealed class ForEachRulesTests(MonitorServerFactory server) : IClassFixture<MonitorServerFactory>
{
    private readonly MonitorServerFactory _server = server;

    [Fact]
    public async Task ForEachRule_RaisesOneAlertPerInstrument_AndStartsForAnInstrumentAddedLater()
    {
        var admin = _server.CreateClient(MonitorServerFactory.AdminKey);
        var created = await admin.PostJsonAsync("/api/v1/rules", """
            {"id":"each-etf-above","name":"ETF above 100","type":"expression","interval":"1m","evaluate":"tick",
             "forEach":["FE:*"],"params":{"condition":"$ > 100"}}
            """);
        await created.AssertProblemAsync(400, "forEach: FE:* matches no instrument");

        foreach (string id in new[] { "FE:A", "FE:B" })
        {
            Assert.True((await admin.PutAsync($"/api/v1/instruments/{id}", JsonContent.Create(new { name = id, unit = "USD", kind = "etf" }))).IsSuccessStatusCode);
        }

        created = await admin.PostJsonAsync("/api/v1/rules", """
            {"id":"each-etf-above","name":"ETF above 100","type":"expression","interval":"1m","evaluate":"tick",
             "forEach":["FE:*"],"params":{"condition":"$ > 100"}}
            """);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal(["FE:*"], (await created.OkJsonAsync())["forEach"]!.AsArray().Select(p => p!.GetValue<string>()));

        await admin.PostJsonAsync("/api/v1/ticks", """
            [{"instrument":"FE:A","ts":"2026-05-05T10:00:00Z","price":90},{"instrument":"FE:A","ts":"2026-05-05T10:00:10Z","price":101},
             {"instrument":"FE:B","ts":"2026-05-05T10:00:00Z","price":99},{"instrument":"FE:B","ts":"2026-05-05T10:00:20Z","price":102}]
            """);
        var reader = _server.CreateClient((string?)null);
        var alerts = await Eventually.GetAsync(
            () => reader.GetJsonAsync("/api/v1/alerts?ruleId=each-etf-above"), a => a.AsArray().Count == 2, because: "one alert per instrument");
        Assert.Equal(["FE:A", "FE:B"], alerts.AsArray().Select(a => a!["instruments"]![0]!.GetValue<string>()).Order());
        Assert.NotEqual(alerts[0]!["id"]!.GetValue<string>(), alerts[1]!["id"]!.GetValue<string>());

        var status = await reader.GetJsonAsync("/api/v1/rules/each-etf-above/status?instrument=FE:B");
        Assert.Equal("conditionTrue", status["outcome"]!.GetValue<string>());
        await (await reader.GetAsync("/api/v1/rules/each-etf-above/status")).AssertProblemAsync(400, "ask for one with ?instrument=");

        // An instrument added after the rule that matches it starts its own episode.
        Assert.True((await admin.PutAsync("/api/v1/instruments/FE:C", JsonContent.Create(new { name = "FE:C", unit = "USD", kind = "etf" }))).IsSuccessStatusCode);
        await admin.PostJsonAsync("/api/v1/ticks", """[{"instrument":"FE:C","ts":"2026-05-05T10:01:00Z","price":130}]""");
        alerts = await Eventually.GetAsync(
            () => reader.GetJsonAsync("/api/v1/alerts?ruleId=each-etf-above"), a => a.AsArray().Count == 3, because: "the added instrument's alert");
        Assert.Contains(alerts.AsArray(), a => a!["instruments"]![0]!.GetValue<string>() == "FE:C");

        // An instrument that went idle runs the rule again when it comes back: a price under 100 resolves its alert.
        await InstrumentGrains.DeactivateAllAsync(_server.Services.GetRequiredService<IGrainFactory>());
        await admin.PostJsonAsync("/api/v1/ticks", """[{"instrument":"FE:A","ts":"2026-05-05T10:02:00Z","price":95}]""");
        await Eventually.GetAsync(
            () => reader.GetJsonAsync("/api/v1/alerts?ruleId=each-etf-above&state=resolved"),
            a => a.AsArray().Any(x => x!["instruments"]![0]!.GetValue<string>() == "FE:A"),
            because: "FE:A's alert resolved after its grain came back");
    }
}
