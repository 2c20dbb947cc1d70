using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;

namespace Monitor.Server.Tests;

/// <summary>Rules added and changed in batches. Its own server: a thousand rules would weigh on the shared one's tests.</summary>
public sealed class RuleBatchApiTests(MonitorServerFactory server) : IClassFixture<MonitorServerFactory>
{
    private readonly HttpClient _admin = server.CreateClient(MonitorServerFactory.AdminKey);

    [Fact]
    public async Task Batch_AThousandRules_AddedThenUnchangedThenChangedAndRunning()
    {
        string Batch(int level) => "[" + string.Join(",", Enumerable.Range(0, 1000).Select(i =>
            $$"""{"id":"bulk-{{i}}","type":"threshold","params":{"input":"COMEX:GC@rsi(14)","op":"above","value":{{level + i % 10}} } }""")) + "]";

        var created = await (await _admin.PutAsync("/api/v1/rules", Json(Batch(70)))).OkJsonAsync();
        var repeated = await (await _admin.PutAsync("/api/v1/rules", Json(Batch(70)))).OkJsonAsync();
        var changed = await (await _admin.PutAsync("/api/v1/rules", Json(Batch(80)))).OkJsonAsync();

        Assert.Equal((1000, 0, 0), Counts(created));
        Assert.Equal((0, 0, 1000), Counts(repeated));
        Assert.Equal((0, 1000, 0), Counts(changed));
        var stored = (await _admin.GetJsonAsync("/api/v1/rules")).AsArray().Where(r => r!["id"]!.GetValue<string>().StartsWith("bulk-", StringComparison.Ordinal)).ToList();
        Assert.Equal(1000, stored.Count);
        Assert.All(stored, r => Assert.True(r!["params"]!["value"]!.GetValue<double>() >= 80));
        var status = await Eventually.GetAsync(
            () => _admin.GetAsync("/api/v1/rules/bulk-999/status"),
            response => response.IsSuccessStatusCode,
            because: "the last rule of the batch runs");
        Assert.True(status.IsSuccessStatusCode);
    }

    [Fact]
    public async Task Batch_SomeRulesInvalid_NoneStoredAndEachProblemNamedByItem()
    {
        var response = await _admin.PutAsync("/api/v1/rules", Json("""
            [{"id":"batch-ok","type":"threshold","params":{"input":"COMEX:GC","op":"above","value":1}},
             {"id":"batch-unknown","type":"threshold","params":{"input":"NOWHERE:X","op":"above","value":1}},
             {"id":"batch-ok","type":"threshold","params":{"input":"COMEX:SI","op":"above","value":1}},
             {"type":"threshold"}]
            """));

        await response.AssertProblemAsync(400, "No rule was changed");
        var errors = (await response.Content.ReadFromJsonAsync<JsonObject>())!["errors"]!.AsObject().Select(e => e.Key).ToList();
        Assert.Contains("[1].params", errors);
        Assert.Contains("[2].id", errors);
        Assert.Contains(errors, e => e.StartsWith("[3].", StringComparison.Ordinal));
        var missing = await _admin.GetAsync("/api/v1/rules/batch-ok");
        Assert.Equal(System.Net.HttpStatusCode.NotFound, missing.StatusCode);
    }

    private static (int, int, int) Counts(JsonNode result) =>
        (result["created"]!.GetValue<int>(), result["changed"]!.GetValue<int>(), result["unchanged"]!.GetValue<int>());

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");
}
