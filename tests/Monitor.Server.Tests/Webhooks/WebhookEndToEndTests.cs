using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;

namespace Monitor.Server.Tests.Webhooks;

/// <summary>The whole path in the server: a webhook created over HTTP, a live threshold rule fed ticks over HTTP, the
/// alert stored with its deliveries, sent signed to a receiver on loopback, listed and redelivered through the API.</summary>
public sealed class WebhookEndToEndTests : IAsyncLifetime, IDisposable
{
    private static readonly DateTimeOffset Monday = DateTimeOffset.Parse("2026-03-02T10:00:00Z", CultureInfo.InvariantCulture);

    private readonly MonitorServerFactory _server = new(new()
    {
        ["Monitor:Webhooks:AllowPrivateNetworks"] = "true",
        ["Monitor:Webhooks:RetrySchedule"] = "0s,100ms,100ms",
    });

    private WebhookReceiver _receiver = null!;

    public async Task InitializeAsync() => _receiver = await WebhookReceiver.StartAsync();

    public async Task DisposeAsync()
    {
        await _receiver.DisposeAsync();
        await _server.DisposeAsync();
    }

    public void Dispose() => _server.Dispose();

    [Fact]
    public async Task ThresholdRuleFiresAndResolves_BothEventsDeliveredSignedThenRedelivered()
    {
        var admin = _server.CreateClient(MonitorServerFactory.AdminKey);
        var ingest = _server.CreateClient(MonitorServerFactory.IngestKey);
        var created = await (await admin.PostJsonAsync("/api/v1/webhooks", $$$"""
            {"url":"{{{_receiver.Url}}}","filter":{"ruleIds":["si-above-30"]}}
            """)).OkJsonAsync();
        string id = created["id"]!.GetValue<string>();
        string secret = created["secret"]!.GetValue<string>();
        var rule = await admin.PostJsonAsync("/api/v1/rules", """
            {"id":"si-above-30","name":"Silver above 30","type":"threshold","severity":"critical","interval":"1m",
             "params":{"input":"COMEX:SI","op":"above","value":30}}
            """);
        Assert.True(rule.IsSuccessStatusCode, await rule.Content.ReadAsStringAsync());

        // Minute closes at 29, 31, 31.5, 29: firing at 10:02, resolved at 10:04.
        double[] prices = [29, 31, 31.5, 29, 29];
        var ticks = prices.Select((price, minute) => TestApi.Tick("COMEX:SI", Monday.AddMinutes(minute).AddSeconds(10).ToString("O"), price)).ToArray();
        (await ingest.PostItemsAsync("/api/v1/ticks", ticks)).EnsureSuccessStatusCode();

        var received = await _receiver.WaitForAsync(2);
        Assert.All(received, r => Assert.True(StandardWebhooksVerifier.Verify(secret, r)));
        var bodies = received.Select(r => JsonNode.Parse(r.Body)!).ToList();
        Assert.Equal(["alert.firing", "alert.resolved"], bodies.Select(b => b["type"]!.GetValue<string>()).Order(StringComparer.Ordinal));
        Assert.All(bodies, b => Assert.Equal("si-above-30", b["data"]!["alert"]!["ruleId"]!.GetValue<string>()));

        var deliveries = await Eventually.GetAsync(
            async () => (await admin.GetJsonAsync($"/api/v1/webhooks/{id}/deliveries")).AsArray(),
            list => list.Count == 2 && list.All(d => d!["state"]!.GetValue<string>() == "delivered"),
            because: "both deliveries recorded as delivered");
        Assert.Equal(["alert.resolved", "alert.firing"], deliveries.Select(d => d!["event"]!.GetValue<string>()));
        Assert.Equal(received.Select(r => r.Id).Order(StringComparer.Ordinal), deliveries.Select(d => d!["id"]!.GetValue<string>()).Order(StringComparer.Ordinal));
        var attempt = deliveries[0]!["attempts"]!.AsArray().Single()!;
        Assert.Equal(200, attempt["status"]!.GetValue<int>());
        Assert.True(attempt["durationMs"]!.GetValue<double>() >= 0);

        string firingId = deliveries[1]!["id"]!.GetValue<string>();
        var redeliver = await admin.PostAsync($"/api/v1/webhooks/{id}/deliveries/{firingId}/redeliver", null);
        Assert.Equal(HttpStatusCode.Accepted, redeliver.StatusCode);
        var again = await _receiver.WaitForAsync(3);
        Assert.Equal(firingId, again[2].Id);
        Assert.True(StandardWebhooksVerifier.Verify(secret, again[2]));
        Assert.Equal(received.Single(r => r.Id == firingId).Body, again[2].Body);
    }

    [Fact]
    public async Task FailedDeliveriesInARange_RedeliveredAfterReenabling()
    {
        var admin = _server.CreateClient(MonitorServerFactory.AdminKey);
        _receiver.Respond = (_, n) => Task.FromResult(n <= 3 ? Microsoft.AspNetCore.Http.Results.StatusCode(500) : Microsoft.AspNetCore.Http.Results.Ok());
        var created = await (await admin.PostJsonAsync("/api/v1/webhooks", $$$"""{"url":"{{{_receiver.Url}}}","filter":{"ruleIds":["gc-rule"]}}""")).OkJsonAsync();
        string id = created["id"]!.GetValue<string>();
        var alerts = (Monitor.Core.Ports.IAlertStore)_server.Services.GetService(typeof(Monitor.Core.Ports.IAlertStore))!;
        await alerts.AppendTransitionsAsync([TestAlerts.Firing("gc-rule", Monday, "COMEX:GC")]);

        var disabled = await Eventually.GetAsync(
            async () => await admin.GetJsonAsync($"/api/v1/webhooks/{id}"),
            w => !w["enabled"]!.GetValue<bool>(),
            because: "the webhook disabled after three failed attempts");
        Assert.Contains("all 3 attempts", disabled["disabledReason"]!.GetValue<string>(), StringComparison.Ordinal);
        var range = $$"""{"from":"{{DateTimeOffset.UtcNow.AddMinutes(-5):O}}","to":"{{DateTimeOffset.UtcNow.AddMinutes(1):O}}"}""";
        await (await admin.PostJsonAsync($"/api/v1/webhooks/{id}/deliveries/redeliver-failed", range)).AssertProblemAsync(409, "re-enable it");

        (await admin.PatchAsync($"/api/v1/webhooks/{id}", new StringContent("""{"enabled":true}""", System.Text.Encoding.UTF8, "application/json"))).EnsureSuccessStatusCode();
        var redelivered = await (await admin.PostJsonAsync($"/api/v1/webhooks/{id}/deliveries/redeliver-failed", range)).JsonAsync();

        Assert.Equal(1, redelivered["redelivered"]!.GetValue<int>());
        var delivery = await Eventually.GetAsync(
            async () => (await admin.GetJsonAsync($"/api/v1/webhooks/{id}/deliveries")).AsArray().Single()!,
            d => d["state"]!.GetValue<string>() == "delivered",
            because: "the redelivered delivery delivered");
        Assert.Equal([500, 500, 500, 200], delivery["attempts"]!.AsArray().Select(a => a!["status"]!.GetValue<int>()));
        Assert.Single(_receiver.Received.Select(r => r.Id).Distinct());
    }
}
