using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.SignalR.Client;

namespace Monitor.Server.Tests.Sources;

/// <summary>
/// The late-report and restatement paths through a real server process: a source fetching from a publisher's server
/// on loopback, a SignalR client on the hub and a webhook receiver. On the wall clock, so the report dates are relative
/// to today, and every fetch is asked for (<c>POST /fetch</c>) rather than waited for.
/// </summary>
public sealed class SourceEndToEndTests : IAsyncLifetime
{
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
