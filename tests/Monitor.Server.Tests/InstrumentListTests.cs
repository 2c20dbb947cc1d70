using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Monitor.Grains;

namespace Monitor.Server.Tests;

/// <summary>GET /api/v1/instruments lists thousands of instruments without activating the grains of idle ones.</summary>
public sealed class InstrumentListTests
{
    private static readonly DateTimeOffset Start = DateTimeOffset.Parse("2026-02-02T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture);

    [Fact]
    public async Task IdleInstruments_ComeFromTheirLastSnapshotAndNoGrainActivates()
    {
        await using var server = new MonitorServerFactory();
        var grains = server.Services.GetRequiredService<IGrainFactory>();
        var admin = server.CreateClient(MonitorServerFactory.AdminKey);
        var read = server.CreateClient((string?)null);
        string[] added = [.. Enumerable.Range(0, 200).Select(i => $"BULK:I{i}")];
        var catalog = new JsonArray([.. added.Select(id => (JsonNode)new JsonObject { ["id"] = id, ["name"] = id, ["kind"] = "future", ["unit"] = "USD/t" })]);
        (await admin.PutAsync("/api/v1/instruments", new StringContent(catalog.ToJsonString(), Encoding.UTF8, "application/json"))).EnsureSuccessStatusCode();
        // 30 minutes of ticks: a last price, a change and indicators over 29 closed minute bars.
        object[] ticks = [.. Enumerable.Range(0, 30).SelectMany(i => new[]
        {
            TestApi.Tick("ETF:URA", Start.AddMinutes(i).ToString("O"), 40 + (i % 7)),
            TestApi.Tick("BULK:I7", Start.AddMinutes(i).ToString("O"), 90 - (i % 5)),
        })];
        (await server.CreateClient(MonitorServerFactory.IngestKey).PostItemsAsync("/api/v1/ticks", ticks)).EnsureSuccessStatusCode();
        var live = Index(await read.GetJsonAsync("/api/v1/instruments"));

        await InstrumentGrains.DeactivateAllAsync(grains);
        var listed = Index(await read.GetJsonAsync("/api/v1/instruments"));

        Assert.Empty(await InstrumentGrains.ActiveAsync(grains));
        Assert.Equal(25 + added.Length, listed.Count);
        foreach (string id in new[] { "ETF:URA", "BULK:I7" })
        {
            Assert.True(JsonNode.DeepEquals(live[id], listed[id]), $"{id} listed idle as {listed[id]}, active as {live[id]}");
            Assert.NotEmpty(listed[id]["indicators"]!.AsObject());
            Assert.NotNull(listed[id]["changePct"]);
        }

        Assert.Equal(40 + (29 % 7), listed["ETF:URA"]["last"]!["price"]!.GetValue<double>());
        // Never active: nothing to show, and seq 0 (a client takes the first quote's seq as it comes).
        Assert.Null(listed["BULK:I8"]["last"]);
        Assert.Empty(listed["BULK:I8"]["indicators"]!.AsObject());
        Assert.Equal(0, listed["BULK:I8"]["seq"]!.GetValue<long>());
    }

    private static Dictionary<string, JsonNode> Index(JsonNode list) =>
        list.AsArray().ToDictionary(i => i!["id"]!.GetValue<string>(), i => i!);
}
