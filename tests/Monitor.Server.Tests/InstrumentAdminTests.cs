using System.Net.Http.Json;

namespace Monitor.Server.Tests;

/// <summary>Adding and changing instruments at run time. Its own server: these tests change the catalog.</summary>
public sealed class InstrumentAdminTests(MonitorServerFactory server) : IClassFixture<MonitorServerFactory>
{
    private readonly MonitorServerFactory _server = server;

    [Fact]
    public async Task NewInstrument_IsCreatedAndTakesTicks()
    {
        var admin = _server.CreateClient(MonitorServerFactory.AdminKey);
        var created = await admin.PutAsync("/api/v1/instruments/SHFE:ZN", Json("""{"name":"SHFE zinc","kind":"future","currency":"USD","unit":"USD/t","intervals":["1m","1d"]}"""));
        Assert.Equal(System.Net.HttpStatusCode.Created, created.StatusCode);

        var ticks = await (await admin.PostJsonAsync("/api/v1/ticks", """[{"instrument":"SHFE:ZN","ts":"2026-05-05T10:00:00Z","price":2900}]""")).OkJsonAsync();
        Assert.Equal(1, ticks["accepted"]!.GetValue<int>());
        var zinc = await _server.CreateClient((string?)null).GetJsonAsync("/api/v1/instruments/SHFE:ZN");
        Assert.Equal("SHFE zinc", zinc["name"]!.GetValue<string>());
        Assert.Equal(2900, zinc["last"]!["price"]!.GetValue<double>());
    }

    [Fact]
    public async Task ChangedIntervals_TakeEffectWithoutARestart()
    {
        var admin = _server.CreateClient(MonitorServerFactory.AdminKey);
        await admin.PostJsonAsync("/api/v1/ticks", """[{"instrument":"ETF:URA","ts":"2026-05-05T10:00:00Z","price":30},{"instrument":"ETF:URA","ts":"2026-05-05T10:06:00Z","price":31}]""");

        var changed = await admin.PutAsync("/api/v1/instruments/ETF:URA", Json("""{"intervals":["1m","5m","1d"]}"""));
        Assert.Equal(System.Net.HttpStatusCode.OK, changed.StatusCode);

        var bars = await Eventually.GetAsync(
            async () => await _server.CreateClient((string?)null).GetAsync("/api/v1/instruments/ETF:URA/bars?interval=5m"),
            r => r.IsSuccessStatusCode,
            because: "5m bars after the change");
        var fiveMinute = (await bars.OkJsonAsync()).AsArray();
        Assert.Equal(2, fiveMinute.Count);
        Assert.Equal(30, fiveMinute[0]!["close"]!.GetValue<double>());
    }

    [Fact]
    public async Task InvalidDefinition_Is400ListingEveryProblem()
    {
        var admin = _server.CreateClient(MonitorServerFactory.AdminKey);
        var response = await admin.PutAsync("/api/v1/instruments/SHFE:NI", Json("""{"kind":"bond","currency":"dollars","intervals":["7m","1m","1m"]}"""));
        await response.AssertProblemAsync(400, "'name' is required");
        string detail = (await response.Content.ReadAsStringAsync());
        Assert.Contains("'kind'", detail, StringComparison.Ordinal);
        Assert.Contains("'currency'", detail, StringComparison.Ordinal);
        Assert.Contains("'unit'", detail, StringComparison.Ordinal);
        Assert.Contains("7m", detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PutWithoutAdminRole_Is403()
    {
        var response = await _server.CreateClient(MonitorServerFactory.IngestKey).PutAsync("/api/v1/instruments/SHFE:PB", Json("""{"name":"lead","unit":"USD/t"}"""));
        await response.AssertProblemAsync(403, "role");
    }

    [Fact]
    public async Task Batch_AThousandInstruments_AddedInOneRequestThenChangedInAnother()
    {
        var admin = _server.CreateClient(MonitorServerFactory.AdminKey);
        string Batch(string unit) => "[" + string.Join(",", Enumerable.Range(0, 1000).Select(i =>
            $$"""{"id":"BULK:B{{i}}","name":"Bulk {{i}}","kind":"etf","unit":"{{unit}}","intervals":["1m","1d"]}""")) + "]";

        var created = await (await admin.PutAsync("/api/v1/instruments", Json(Batch("USD")))).OkJsonAsync();
        var changed = await (await admin.PutAsync("/api/v1/instruments", Json(Batch("USD/sh")))).OkJsonAsync();

        Assert.Equal((1000, 0), (created["created"]!.GetValue<int>(), created["changed"]!.GetValue<int>()));
        Assert.Equal((0, 1000), (changed["created"]!.GetValue<int>(), changed["changed"]!.GetValue<int>()));
        var instruments = changed["instruments"]!.AsArray();
        Assert.Equal(Enumerable.Range(0, 1000).Select(i => $"BULK:B{i}"), instruments.Select(i => i!["id"]!.GetValue<string>()));
        foreach (string id in new[] { "BULK:B0", "BULK:B517", "BULK:B999" })
        {
            var instrument = await _server.CreateClient((string?)null).GetJsonAsync($"/api/v1/instruments/{id}");
            Assert.Equal("USD/sh", instrument["unit"]!.GetValue<string>());
        }

        var ticks = await (await admin.PostJsonAsync("/api/v1/ticks", """[{"instrument":"BULK:B999","ts":"2026-05-05T10:00:00Z","price":12.5}]""")).OkJsonAsync();
        Assert.Equal(1, ticks["accepted"]!.GetValue<int>());
    }

    [Fact]
    public async Task Batch_SomeItemsInvalid_NothingChangedAndEachProblemNamedByItem()
    {
        var admin = _server.CreateClient(MonitorServerFactory.AdminKey);
        var response = await admin.PutAsync("/api/v1/instruments", Json("""
            [{"id":"HALF:OK","name":"fine","unit":"USD/t"},
             {"id":"HALF:BAD","name":"no unit"},
             {"id":"not an id","name":"x","unit":"USD"},
             {"id":"HALF:OK","name":"again","unit":"USD/t"},
             42]
            """));

        await response.AssertProblemAsync(400, "No instrument was changed");
        var errors = (await response.Content.ReadFromJsonAsync<System.Text.Json.Nodes.JsonObject>())!["errors"]!.AsObject();
        Assert.Equal(["[1]", "[2].id", "[3].id", "[4]"], errors.Select(e => e.Key).Order(StringComparer.Ordinal));
        var missing = await _server.CreateClient((string?)null).GetAsync("/api/v1/instruments/HALF:OK");
        Assert.Equal(System.Net.HttpStatusCode.NotFound, missing.StatusCode);
    }

    [Theory]
    [InlineData("{}")]
    [InlineData("[]")]
    public async Task Batch_NotANonEmptyArray_Is400(string body)
    {
        var response = await _server.CreateClient(MonitorServerFactory.AdminKey).PutAsync("/api/v1/instruments", Json(body));
        await response.AssertProblemAsync(400, "JSON array of 1 to 10000 instrument objects");
    }

    private static StringContent Json(string json) => new(json, System.Text.Encoding.UTF8, "application/json");
}
