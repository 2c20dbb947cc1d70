using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.SignalR.Client;
using Monitor.Server.Tests.Webhooks;

namespace Monitor.Server.Tests.Sources;

/// <summary>
/// The late-report and restatement paths through a real server process: a source fetching from a publisher's server
/// on loopback, a SignalR client on the hub and a webhook receiver. On the wall clock, so the report dates are relative
/// to today, and every fetch is asked for (<c>POST /fetch</c>) rather than waited for. A restatement reaches a webhook
/// that asks for <c>inventory.restated</c>, signed, and hub clients marked restated, and a rule over the series sees it
/// from its <c>publishedAt</c> on, live and in a backtest of the same store alike: there the file dates its values (a
/// <c>csv</c> source with a <c>publishedAt</c> column), so ticks posted in the past place both versions in event time.
/// </summary>
public sealed class SourceEndToEndTests : IAsyncLifetime
{
    private const string RuleId = "gld-below";

    /// <summary>Three hours ago, on a minute: the ticks run from here for two and a half hours.</summary>
    private static readonly DateTimeOffset Base = new DateTimeOffset(DateTime.UtcNow.Ticks / TimeSpan.TicksPerMinute * TimeSpan.TicksPerMinute, TimeSpan.Zero).AddHours(-3);

    private static readonly DateOnly RestatedDay = DateOnly.FromDateTime(Base.UtcDateTime).AddDays(-1);
    private static readonly DateTimeOffset FirstPublished = Base.AddMinutes(30);
    private static readonly DateTimeOffset RestatedPublished = Base.AddMinutes(90).AddSeconds(30);

    private readonly string _directory = Directory.CreateTempSubdirectory("monitor-sources-e2e-").FullName;
    private readonly ConcurrentQueue<JsonElement> _alerts = new();
    private readonly ConcurrentQueue<JsonElement> _inventory = new();
    private PublisherServer _publisher = null!;
    private WebhookReceiver _receiver = null!;
    private ServerProcess _server = null!;
    private HubConnection _hub = null!;

    public async Task InitializeAsync()
    {
        _publisher = await PublisherServer.StartAsync();
        _receiver = await WebhookReceiver.StartAsync();
        _server = await ServerProcess.StartAsync(_directory, "--Monitor:Sources:AllowPrivateNetworks=true", "--Monitor:Webhooks:AllowPrivateNetworks=true");
        _hub = new HubConnectionBuilder().WithUrl(new Uri(_server.BaseAddress, "/hubs/market")).Build();
        _hub.On<JsonElement>("Alert", message => _alerts.Enqueue(message));
        _hub.On<JsonElement>("Inventory", message => _inventory.Enqueue(message));
        await _hub.StartAsync();
        await _hub.InvokeAsync("SubscribeAlerts");
        await _hub.InvokeAsync("SubscribeInstruments", new[] { "ETF:GLD" });
    }

    public async Task DisposeAsync()
    {
        await _hub.DisposeAsync();
        await _server.DisposeAsync();
        await _receiver.DisposeAsync();
        await _publisher.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task LateReportThenARestatingOne_AlertFiresAndResolvesOnHubAndWebhook_RestatedValueReachesTheHub()
    {
        using var admin = _server.CreateClient(TestApiKeys.Admin);
        (await admin.PostJsonAsync("/api/v1/webhooks", $$$"""{"url":"{{{_receiver.Url}}}","filter":{"ruleIds":["source:gld"]}}""")).EnsureSuccessStatusCode();
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        string old = Day(today.AddDays(-14));
        _publisher.Publish("gld.csv", SourceHarness.HoldingsCsv((old, 28_000_000)), "text/csv");
        var created = await admin.PostJsonAsync("/api/v1/sources", $$"""
            {"id":"gld","kind":"spdr-gld","url":"{{_publisher.Url("gld.csv")}}","schedule":"0 0 1 1 *","timeZone":"UTC",
             "calendar":"weekdays","lateAfter":"P1D"}
            """);
        Assert.True(created.IsSuccessStatusCode, await created.Content.ReadAsStringAsync());

        // A report two weeks old: stored, and the source is late at once.
        var first = await (await admin.PostAsync("/api/v1/sources/gld/fetch", null)).OkJsonAsync();
        var firing = await HubAlertAsync("firing");
        var firingHook = await WebhookAsync("alert.firing");

        // The same day restated, and today's report: the old value gets a new version, the source is on time again.
        _publisher.Publish("gld.csv", SourceHarness.HoldingsCsv((old, 28_100_000), (Day(today), 28_200_000)), "text/csv");
        var second = await (await admin.PostAsync("/api/v1/sources/gld/fetch", null)).OkJsonAsync();
        var resolved = await HubAlertAsync("resolved");
        var resolvedHook = await WebhookAsync("alert.resolved");
        var restated = await Eventually.GetAsync(
            () => Task.FromResult(_inventory.Where(m => m.GetProperty("asOf").GetString() == old).ToList()),
            messages => messages.Count == 2,
            TimeSpan.FromSeconds(20),
            "both values of the old day on the hub");

        Assert.Equal(("new", true), (first["lastResult"]!.GetValue<string>(), first["late"]!.GetValue<bool>()));
        Assert.Equal(("sourceLate", "source:gld"), (firing.GetProperty("type").GetString(), firing.GetProperty("ruleId").GetString()));
        Assert.Equal(firing.GetProperty("id").GetString(), firingHook["data"]!["alert"]!["id"]!.GetValue<string>());
        Assert.Equal(("restated", false, Day(today)), (second["lastResult"]!.GetValue<string>(), second["late"]!.GetValue<bool>(), second["lastActivityDate"]!.GetValue<string>()));
        Assert.Equal(firing.GetProperty("id").GetString(), resolved.GetProperty("id").GetString());
        Assert.Equal(firing.GetProperty("id").GetString(), resolvedHook["data"]!["alert"]!["id"]!.GetValue<string>());
        Assert.Equal([28_000_000, 28_100_000], restated.Select(m => m.GetProperty("quantity").GetDouble()));
        var stored = (JsonArray)await admin.GetJsonAsync($"/api/v1/instruments/ETF:GLD/inventory/holdings?from={old}&to={Day(today)}");
        Assert.Equal([28_100_000, 28_200_000], stored.Select(v => v!["quantity"]!.GetValue<double>()));
        Assert.Equal(2, ((JsonArray)await admin.GetJsonAsync("/api/v1/sources/gld/files")).Count);
    }

    [Fact]
    public async Task SourceRestatesADay_SignedWebhookEventRestatedHubMessageAndTheRuleSeesItFromItsPublishedAtLiveAndInBacktest()
    {
        var admin = _server.CreateClient(TestApiKeys.Admin);
        var ingest = _server.CreateClient(TestApiKeys.Ingest);
        var hook = await (await admin.PostJsonAsync("/api/v1/webhooks", $$$"""{"url":"{{{_receiver.Url}}}","filter":{"events":["inventory.restated"]}}""")).OkJsonAsync();
        await (await admin.PostJsonAsync("/api/v1/rules", $$$"""
            {"id":"{{{RuleId}}}","type":"threshold","interval":"1m","params":{"input":"ETF:GLD/holdings","op":"below","value":28050000}}
            """)).OkJsonAsync();
        var created = await admin.PostJsonAsync("/api/v1/sources", $$$"""
            {"id":"gld-csv","kind":"csv","url":"{{{_publisher.Url("holdings.csv")}}}","schedule":"0 0 1 1 *","timeZone":"UTC",
             "mapping":{"instrument":"ETF:GLD","series":"holdings","unit":"oz","columns":{"asOf":"date","quantity":"ounces","publishedAt":"published"} } }
            """);
        Assert.True(created.IsSuccessStatusCode, await created.Content.ReadAsStringAsync());

        // The first report, then event time up to shortly before the restatement is published.
        _publisher.Publish("holdings.csv", RestatedHoldings(28_100_000, FirstPublished), "text/csv");
        var first = await (await admin.PostAsync("/api/v1/sources/gld-csv/fetch", null)).OkJsonAsync();
        await PostTicksAsync(ingest, Base, Base.AddMinutes(80));

        // The same day restated, then event time on past its publishedAt.
        _publisher.Publish("holdings.csv", RestatedHoldings(28_000_000, RestatedPublished), "text/csv");
        var second = await (await admin.PostAsync("/api/v1/sources/gld-csv/fetch", null)).OkJsonAsync();
        await PostTicksAsync(ingest, Base.AddMinutes(80), Base.AddMinutes(150));

        var delivered = await _receiver.WaitForAsync(1, TimeSpan.FromSeconds(30));
        var messages = await Eventually.GetAsync(
            () => Task.FromResult(_inventory.ToList()), m => m.Count == 2, TimeSpan.FromSeconds(20), "both versions on the hub");
        var read = _server.CreateClient(TestApiKeys.Read);
        var live = await Eventually.GetAsync(
            () => AlertParity.LiveAlertsAsync(read, $"ruleId={RuleId}"), a => a.Count == 1, TimeSpan.FromSeconds(20), "the rule's alert");

        Assert.Equal(("new", "restated"), (first["lastResult"]!.GetValue<string>(), second["lastResult"]!.GetValue<string>()));
        var webhook = Assert.Single(delivered);
        Assert.True(StandardWebhooksVerifier.Verify(hook["secret"]!.GetValue<string>(), webhook), $"signature {webhook.Signature} does not verify");
        var body = JsonNode.Parse(webhook.Body)!;
        Assert.Equal("inventory.restated", body["type"]!.GetValue<string>());
        Assert.Equal(RestatedPublished, body["timestamp"]!.GetValue<DateTimeOffset>());
        Assert.True(JsonNode.DeepEquals(
            JsonNode.Parse($$"""
                {"instrument":"ETF:GLD","series":"holdings","location":null,"asOf":"{{RestatedDay:yyyy-MM-dd}}","previous":28100000,"quantity":28000000,"unit":"oz"}
                """),
            body["data"]), body["data"]!.ToJsonString());

        Assert.Equal([(28_100_000d, false), (28_000_000d, true)], messages.Select(m => (m.GetProperty("quantity").GetDouble(), m.GetProperty("restated").GetBoolean())));
        Assert.All(messages, m => Assert.Equal(JsonValueKind.Null, m.GetProperty("location").ValueKind));

        // Fired at the first evaluation after the restatement was published, not before: the first version is above the bound.
        var alert = Assert.Single(live);
        var firedAt = alert["firedAt"]!.GetValue<DateTimeOffset>();
        Assert.InRange(firedAt, RestatedPublished, RestatedPublished.AddMinutes(1));
        Assert.Equal("firing", alert["state"]!.GetValue<string>());

        var backtest = await AlertParity.BacktestAlertsAsync(admin, [RuleId]);
        var differences = AlertParity.Differences(backtest, live);
        Assert.True(differences.Count == 0, string.Join("\n", differences));
    }

    /// <summary>The day's holdings as a plain CSV that dates its value.</summary>
    private static byte[] RestatedHoldings(double ounces, DateTimeOffset published) =>
        Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $"date,ounces,published\n{RestatedDay:yyyy-MM-dd},{ounces},{published:O}\n"));

    /// <summary>ETF:GLD ticks every 30 seconds in [<paramref name="from"/>, <paramref name="to"/>), in one request.</summary>
    private static async Task PostTicksAsync(HttpClient ingest, DateTimeOffset from, DateTimeOffset to)
    {
        var ticks = new JsonArray();
        for (var t = from; t < to; t = t.AddSeconds(30))
        {
            ticks.Add(new JsonObject { ["instrument"] = "ETF:GLD", ["ts"] = t.ToString("O", CultureInfo.InvariantCulture), ["price"] = 400 + (t.Minute % 7) });
        }

        var accepted = await (await ingest.PostJsonAsync("/api/v1/ticks", ticks.ToJsonString())).OkJsonAsync();
        Assert.Equal(ticks.Count, accepted["accepted"]!.GetValue<int>());
    }

    private static string Day(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private async Task<JsonElement> HubAlertAsync(string transition) =>
        (await Eventually.GetAsync(
            () => Task.FromResult(_alerts.FirstOrDefault(m => m.GetProperty("transition").GetString() == transition)),
            m => m.ValueKind == JsonValueKind.Object,
            TimeSpan.FromSeconds(20),
            $"the sourceLate alert {transition} on the hub")).GetProperty("alert");

    private async Task<JsonNode> WebhookAsync(string type) =>
        (await Eventually.GetAsync(
            () => Task.FromResult(_receiver.Received.Select(r => JsonNode.Parse(r.Body)!).FirstOrDefault(b => b["type"]!.GetValue<string>() == type)),
            body => body is not null,
            TimeSpan.FromSeconds(30),
            $"{type} delivered to the webhook"))!;
}
