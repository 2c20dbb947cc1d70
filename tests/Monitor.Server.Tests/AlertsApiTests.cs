using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Monitor.Core.Ports;
using Monitor.Core.Rules;

namespace Monitor.Server.Tests;

/// <summary>The alerts and silences routes over the real store (alerts are recorded straight into it here).</summary>
[Collection(ServerCollection.Name)]
public sealed class AlertsApiTests(MonitorServerFactory server)
{
    private static readonly DateTimeOffset Start = DateTimeOffset.Parse("2026-01-16T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture);

    [Fact]
    public async Task RecordedAlert_IsListedFilteredReadWithTransitionsAndAcknowledged()
    {
        string ruleId = "api-test-" + Guid.NewGuid().ToString("N")[..8];
        var alert = await RecordAsync(ruleId, "ETF:SLV");

        var reader = server.CreateClient(MonitorServerFactory.ReadKey);
        var listed = (await reader.GetJsonAsync($"/api/v1/alerts?ruleId={ruleId}&state=firing")).AsArray();
        var view = Assert.Single(listed);
        Assert.Equal(alert.Id, view!["id"]!.GetValue<string>());
        Assert.Equal("priceFlowDivergence", view["type"]!.GetValue<string>());
        Assert.Equal(21.4, view["values"]!["priceChangePct"]!.GetValue<double>());
        Assert.Empty((await reader.GetJsonAsync($"/api/v1/alerts?ruleId={ruleId}&state=resolved")).AsArray());

        var one = await reader.GetJsonAsync($"/api/v1/alerts/{alert.Id}");
        Assert.Equal(["pending", "firing"], one["transitions"]!.AsArray().Select(t => t!["to"]!.GetValue<string>()));

        var acked = await (await reader.PostAsJsonAsync($"/api/v1/alerts/{alert.Id}/ack", new { by = "desk-1", comment = "looking" })).OkJsonAsync();
        Assert.Equal("desk-1", acked["acknowledgedBy"]!.GetValue<string>());
        Assert.Equal("reader", acked["acknowledgedByKey"]!.GetValue<string>());
        Assert.Equal("reader", (await reader.GetJsonAsync($"/api/v1/alerts/{alert.Id}"))["acknowledgedByKey"]!.GetValue<string>());
        await (await reader.PostAsJsonAsync($"/api/v1/alerts/{alert.Id}/ack", new { comment = "no name" })).AssertProblemAsync(400, "'by'");
        await (await reader.PostAsJsonAsync("/api/v1/alerts/no-such-alert/ack", new { by = "x" })).AssertProblemAsync(404, "no-such-alert");
        await (await reader.GetAsync("/api/v1/alerts?state=exploded&limit=0")).AssertProblemAsync(400, "'state'");
    }

    [Fact]
    public async Task Silence_MarksAlertsRecordedWhileActive()
    {
        var admin = server.CreateClient(MonitorServerFactory.AdminKey);
        string ruleId = "silenced-" + Guid.NewGuid().ToString("N")[..8];
        var created = await admin.PostAsJsonAsync("/api/v1/silences", new { ruleId, startsAt = Start.AddDays(-1), endsAt = Start.AddDays(2), comment = "known roll" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        string silenceId = (await created.OkJsonAsync())["id"]!.GetValue<string>();

        var alert = await RecordAsync(ruleId, "COMEX:GC");
        var view = await server.CreateClient((string?)null).GetJsonAsync($"/api/v1/alerts/{alert.Id}");
        Assert.True(view["silenced"]!.GetValue<bool>());

        await (await admin.PostAsJsonAsync("/api/v1/silences", new { startsAt = Start, endsAt = Start.AddHours(-1) })).AssertProblemAsync(400, "after");
        await (await server.CreateClient(MonitorServerFactory.ReadKey).PostAsJsonAsync("/api/v1/silences", new { startsAt = Start, endsAt = Start.AddHours(1) })).AssertProblemAsync(403, "role");
        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync($"/api/v1/silences/{silenceId}")).StatusCode);
        await (await admin.DeleteAsync($"/api/v1/silences/{silenceId}")).AssertProblemAsync(404, silenceId);
    }

    /// <summary>Records a pending-then-firing episode of a divergence rule, as a rule grain would.</summary>
    private async Task<Alert> RecordAsync(string ruleId, string instrument)
    {
        var pending = new Alert(
            AlertId.Create(ruleId, [instrument], Start), ruleId, "Silver up while SLV drains", RuleType.PriceFlowDivergence, AlertSeverity.Warning,
            [instrument], AlertState.Pending, "bearish", Start, null, null,
            $"{instrument} +21.4% over 15d while holdings -1.9% (-9.8 Moz)",
            new Dictionary<string, double> { ["priceChangePct"] = 21.4, ["flowChangePct"] = -1.9 });
        var firing = pending with { State = AlertState.Firing, FiredAt = Start.AddDays(1) };
        var store = server.Services.GetRequiredService<IAlertStore>();
        await store.AppendTransitionsAsync([
            new AlertTransition(null, AlertState.Pending, Start, pending),
            new AlertTransition(AlertState.Pending, AlertState.Firing, Start.AddDays(1), firing)]);
        return firing;
    }
}
