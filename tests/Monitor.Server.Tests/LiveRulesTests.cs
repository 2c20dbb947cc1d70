using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;

namespace Monitor.Server.Tests;

/// <summary>Rules running in the live service: in instrument grains, in rule grains, changed and deleted at run time.</summary>
public sealed partial class LiveRulesTests : IAsyncLifetime, IDisposable
{
    private static readonly DateTimeOffset Monday = DateTimeOffset.Parse("2026-03-02T10:00:00Z", CultureInfo.InvariantCulture);

    private readonly MonitorServerFactory _server = new();
    private readonly List<JsonElement> _pushed = [];
    private HttpClient _admin = null!;
    private HttpClient _ingest = null!;
    private HubConnection _hub = null!;

    public async Task InitializeAsync()
    {
        _admin = _server.CreateClient(MonitorServerFactory.AdminKey);
        _ingest = _server.CreateClient(MonitorServerFactory.IngestKey);
        _hub = new HubConnectionBuilder()
            .WithUrl(new Uri(_server.Server.BaseAddress, "/hubs/market"), options =>
            {
                options.HttpMessageHandlerFactory = _ => _server.Server.CreateHandler();
                options.Transports = HttpTransportType.LongPolling;
            })
            .Build();
        _hub.On<JsonElement>("Alert", alert =>
        {
            lock (_pushed)
            {
                _pushed.Add(alert);
            }
        });
        await _hub.StartAsync();
        await _hub.InvokeAsync("SubscribeAlerts");
    }

    public async Task DisposeAsync()
    {
        await _hub.DisposeAsync();
        await _server.DisposeAsync();
    }

    public void Dispose() => _server.Dispose();

    [Fact]
    public async Task ThresholdOnOneInstrument_FiresAtTheBarCloseAndResolves_StoredAndPushed()
    {
        await CreateRuleAsync("""
            {"id":"si-above-30","name":"Silver above 30","type":"threshold","severity":"critical","interval":"1m",
             "params":{"input":"COMEX:SI","op":"above","value":30}}
            """);

        // Closes at 10:01 (29), 10:02 (31), 10:03 (31.5), 10:04 (29): true at 10:02 and 10:03, false at 10:04.
        await PostAsync(("COMEX:SI", 0, 29), ("COMEX:SI", 1, 31), ("COMEX:SI", 2, 31.5), ("COMEX:SI", 3, 29), ("COMEX:SI", 4, 29));

        var alert = await WaitForAlertAsync("si-above-30", "resolved");
        Assert.Equal(At(2), alert["startedAt"]!.GetValue<DateTimeOffset>());
        Assert.Equal(At(2), alert["firedAt"]!.GetValue<DateTimeOffset>());
        Assert.Equal(At(4), alert["resolvedAt"]!.GetValue<DateTimeOffset>());
        Assert.Equal("critical", alert["severity"]!.GetValue<string>());
        Assert.Contains("31", alert["message"]!.GetValue<string>(), StringComparison.Ordinal);

        var pushed = await WaitForPushesAsync(alert["id"]!.GetValue<string>(), 2);
        Assert.Equal(["firing", "resolved"], pushed.Select(p => p.GetProperty("transition").GetString()));
        Assert.Equal("si-above-30", pushed[0].GetProperty("alert").GetProperty("ruleId").GetString());
    }

    [Fact]
    public async Task SpreadOverTwoInstruments_RunsInItsRuleGrainAlignedByEventTime()
    {
        await CreateRuleAsync("""
            {"id":"copper-backwardation","name":"Copper cash over 3-month","type":"spread","interval":"1m",
             "params":{"near":"LME:CA.CASH","far":"LME:CA","op":"backwardation"}}
            """);

        // Cash goes over 3-month during minute 2; each request carries both instruments, in event-time order.
        for (int minute = 0; minute < 5; minute++)
        {
            double cash = minute >= 2 ? 9_120 : 9_080;
            await PostAsync(("LME:CA.CASH", minute, cash), ("LME:CA", minute, 9_100));
        }

        var alert = await WaitForAlertAsync("copper-backwardation", "firing");
        Assert.Equal(At(3), alert["firedAt"]!.GetValue<DateTimeOffset>());
        Assert.Equal(["LME:CA.CASH", "LME:CA"], alert["instruments"]!.AsArray().Select(i => i!.GetValue<string>()));
        Assert.Contains("9,120.00", alert["message"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ExpressionOverTwoInstruments_FiresInItsRuleGrainWithItsMessage()
    {
        await CreateRuleAsync("""
            {"id":"copper-cash-premium","type":"expression","interval":"1m",
             "params":{"condition":"LME:CA.CASH - LME:CA > 10 and change(LME:CA.CASH, 2) > 0","message":"cash over 3-month by {LME:CA.CASH - LME:CA}"}}
            """);

        for (int minute = 0; minute < 5; minute++)
        {
            double cash = minute >= 2 ? 9_120 : 9_080;
            await PostAsync(("LME:CA.CASH", minute, cash), ("LME:CA", minute, 9_100));
        }

        var alert = await WaitForAlertAsync("copper-cash-premium", "firing");
        Assert.Equal(At(3), alert["firedAt"]!.GetValue<DateTimeOffset>());
        Assert.Equal("expression", alert["type"]!.GetValue<string>());
        Assert.Equal("cash over 3-month by 20.00", alert["message"]!.GetValue<string>());
        Assert.Equal(40, alert["values"]!["change(LME:CA.CASH, 2)"]!.GetValue<double>());
    }

    [Fact]
    public void InputIdleAfterShorterThanTheFeedInterval_StopsTheServerAtStartNamingTheKey()
    {
        using var server = new MonitorServerFactory(new() { ["Monitor:Rules:InputIdleAfter"] = "00:00:00.5" });
        var error = Assert.ThrowsAny<Exception>(() => server.CreateClient());
        Assert.Contains("Monitor:Rules:InputIdleAfter must be at least 00:00:01", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task InputThatStopped_MakesTheRuleReportStaleInputInsteadOfFiring()
    {
        await CreateRuleAsync("""
            {"id":"copper-stale","type":"spread","interval":"1m","params":{"near":"LME:CA.CASH","far":"LME:CA","op":"backwardation"}}
            """);
        await PostAsync(("LME:CA.CASH", 0, 9_080), ("LME:CA", 0, 9_100), ("LME:CA.CASH", 1, 9_080), ("LME:CA", 1, 9_100));

        // The 3-month price stops after minute 1; cash goes on and jumps over the last 3-month print at minute 5, when that
        // print is older than its limit (3 bars): the rule must not fire on it.
        for (int minute = 2; minute < 8; minute++)
        {
            await PostAsync(("LME:CA.CASH", minute, minute >= 5 ? 9_200 : 9_080));
        }

        var reader = _server.CreateClient((string?)null);
        var status = await Eventually.GetAsync(
            () => reader.GetJsonAsync("/api/v1/rules/copper-stale/status"),
            s => s["evaluatedAt"]?.GetValue<DateTimeOffset>() == At(7),
            because: "the rule evaluated the close at 10:07");
        Assert.Equal("staleInput", status["outcome"]!.GetValue<string>());
        Assert.Equal("LME:CA", status["input"]!.GetValue<string>());
        Assert.Contains("stale", status["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Empty(await AlertsAsync("copper-stale"));
    }

    [Fact]
    public async Task ChangingAndDeletingARule_TakesEffectWithoutARestart()
    {
        await CreateRuleAsync("""
            {"id":"gc-above","type":"threshold","interval":"1m","params":{"input":"COMEX:GC","op":"above","value":2000}}
            """);
        await PostAsync(("COMEX:GC", 0, 2010), ("COMEX:GC", 1, 2010));
        var firing = await WaitForAlertAsync("gc-above", "firing");

        // Raising the bound makes the same condition false: the open alert resolves at the next close.
        var changed = await _admin.PutAsync("/api/v1/rules/gc-above", Json("""
            {"type":"threshold","interval":"1m","params":{"input":"COMEX:GC","op":"above","value":2050}}
            """));
        Assert.True(changed.IsSuccessStatusCode, await changed.Content.ReadAsStringAsync());
        await PostAsync(("COMEX:GC", 2, 2010), ("COMEX:GC", 3, 2060), ("COMEX:GC", 4, 2060));
        var resolved = await WaitForAlertAsync("gc-above", "resolved");
        Assert.Equal(firing["id"]!.GetValue<string>(), resolved["id"]!.GetValue<string>());

        var second = await WaitForAlertAsync("gc-above", "firing");
        Assert.NotEqual(firing["id"]!.GetValue<string>(), second["id"]!.GetValue<string>());

        // Deleting the rule resolves its open alert.
        Assert.True((await _admin.DeleteAsync("/api/v1/rules/gc-above")).IsSuccessStatusCode);
        var alerts = await Eventually.GetAsync(
            () => AlertsAsync("gc-above"),
            list => list.All(a => a!["state"]!.GetValue<string>() == "resolved"),
            because: "the deleted rule's alerts are all resolved");
        Assert.Equal(2, alerts.Count);
    }

    [Fact]
    public async Task RuleOnAnUnknownInstrumentOrAnIntervalItDoesNotKeep_Is400()
    {
        var unknown = await _admin.PostAsync("/api/v1/rules", Json("""
            {"id":"nope","type":"threshold","params":{"input":"LME:ZN","op":"above","value":1}}
            """));
        await unknown.AssertProblemAsync(400, "unknown instrument 'LME:ZN'");

        var interval = await _admin.PostAsync("/api/v1/rules", Json("""
            {"id":"four-hourly","type":"threshold","interval":"4h","params":{"input":"COMEX:SI","op":"above","value":1}}
            """));
        await interval.AssertProblemAsync(400, "COMEX:SI keeps bars of 1m, 1h, 1d, not 4h");
    }

    private static DateTimeOffset At(int minute) => Monday.AddMinutes(minute);

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    private async Task CreateRuleAsync(string json)
    {
        var response = await _admin.PostAsync("/api/v1/rules", Json(json));
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
    }

    /// <summary>One request with a tick per (instrument, minute, price), 10 seconds into the minute.</summary>
    private async Task PostAsync(params (string Instrument, int Minute, double Price)[] ticks)
    {
        var items = ticks.Select(t => TestApi.Tick(t.Instrument, At(t.Minute).AddSeconds(10).ToString("O"), t.Price)).ToArray();
        var body = await (await _ingest.PostItemsAsync("/api/v1/ticks", items)).OkJsonAsync();
        Assert.Equal(ticks.Length, body["accepted"]!.GetValue<int>());
    }

    private async Task<JsonArray> AlertsAsync(string ruleId) =>
        (await _server.CreateClient((string?)null).GetJsonAsync($"/api/v1/alerts?ruleId={ruleId}")).AsArray();

    private async Task<JsonNode> WaitForAlertAsync(string ruleId, string state)
    {
        var alerts = await Eventually.GetAsync(
            () => AlertsAsync(ruleId),
            list => list.Any(a => a!["state"]!.GetValue<string>() == state),
            because: $"a {state} alert of {ruleId}");
        return alerts.First(a => a!["state"]!.GetValue<string>() == state)!;
    }

    private Task<List<JsonElement>> WaitForPushesAsync(string alertId, int count) =>
        Eventually.GetAsync(
            () =>
            {
                lock (_pushed)
                {
                    return Task.FromResult(_pushed.Where(p => p.GetProperty("alert").GetProperty("id").GetString() == alertId).ToList());
                }
            },
            list => list.Count >= count,
            because: $"{count} hub pushes of alert {alertId}");
}
