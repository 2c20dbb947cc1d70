using System.Net;
using System.Text.Json.Nodes;

namespace Monitor.Server.Tests;

/// <summary>Compares the alerts a live server raised with those a backtest of the same rules over its store raises.</summary>
internal static class AlertParity
{
    /// <summary>The fields of an alert that both sides write (the live side adds acknowledgement and silencing).</summary>
    private static readonly string[] ComparedFields =
        ["id", "ruleId", "ruleName", "type", "severity", "instruments", "state", "direction", "startedAt", "firedAt", "resolvedAt", "message", "values", "ruleVersion", "labels", "inputs"];

    /// <summary>Runs a backtest of the stored rules <paramref name="ruleIds"/> over the whole store; its alerts, comparable.</summary>
    public static async Task<List<JsonObject>> BacktestAlertsAsync(HttpClient admin, IEnumerable<string> ruleIds)
    {
        var ids = new JsonArray([.. ruleIds.Select(id => (JsonNode)id)]);
        var started = await admin.PostJsonAsync("/api/v1/backtests", new JsonObject { ["ruleIds"] = ids }.ToJsonString());
        Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);
        string id = (await started.OkJsonAsync())["id"]!.GetValue<string>();
        var report = await Eventually.GetAsync(
            () => admin.GetJsonAsync($"/api/v1/backtests/{id}"),
            r => r["state"]!.GetValue<string>() != "running",
            TimeSpan.FromSeconds(60),
            "the backtest finished");
        Assert.Equal("completed", report["state"]!.GetValue<string>());
        return Comparable(report["alerts"]!.AsArray());
    }

    /// <summary>The live service's alerts (of <paramref name="query"/>, such as <c>limit=1000</c>), comparable.</summary>
    public static async Task<List<JsonObject>> LiveAlertsAsync(HttpClient read, string query) =>
        Comparable((await read.GetJsonAsync($"/api/v1/alerts?{query}")).AsArray());

    /// <summary>Each alert that is not the same on both sides, as the backtest and the live service have it.</summary>
    public static List<string> Differences(List<JsonObject> backtest, List<JsonObject> live)
    {
        var liveById = live.ToDictionary(a => a["id"]!.GetValue<string>());
        var differences = new List<string>();
        foreach (var alert in backtest)
        {
            if (!liveById.Remove(alert["id"]!.GetValue<string>(), out var other) || !JsonNode.DeepEquals(alert, other))
            {
                differences.Add($"backtest {alert.ToJsonString()}\n    live {other?.ToJsonString() ?? "none"}");
            }
        }

        differences.AddRange(liveById.Values.Select(a => $"backtest none\n    live {a.ToJsonString()}"));
        return differences;
    }

    /// <summary>The compared fields of each alert, ordered by id.</summary>
    private static List<JsonObject> Comparable(JsonArray alerts) =>
        [.. alerts.Select(a => new JsonObject(ComparedFields.Select(f => KeyValuePair.Create(f, a![f]?.DeepClone()))))
            .OrderBy(a => a["id"]!.GetValue<string>(), StringComparer.Ordinal)];
}
