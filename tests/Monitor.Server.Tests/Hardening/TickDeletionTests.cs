using System.Globalization;
using System.Net;
using System.Net.Http.Json;

namespace Monitor.Server.Tests.Hardening;

/// <summary>
/// A tick dated ahead, stored while a day of skew was allowed, froze its instrument: every later tick was late. An admin
/// deletes it; the grain rebuilds from what remains and the deletion is recorded.
/// </summary>
public sealed class TickDeletionTests : IDisposable
{
    private readonly MonitorServerFactory _server = new(new Dictionary<string, string> { ["Monitor:Ingest:MaxFutureSkew"] = "1d" });
    private readonly HttpClient _ingest;
    private readonly HttpClient _admin;

    public TickDeletionTests()
    {
        _ingest = _server.CreateClient(MonitorServerFactory.IngestKey);
        _admin = _server.CreateClient(MonitorServerFactory.AdminKey);
    }

    public void Dispose() => _server.Dispose();

    [Fact]
    public async Task FutureTickDeleted_InstrumentRebuildsAndLaterTicksApply()
    {
        string id = await NewInstrumentAsync();
        var now = DateTimeOffset.UtcNow;
        var future = now.AddHours(23);
        var first = await PostTicksAsync(Tick(id, now.AddMinutes(-5), 80), Tick(id, future, 90), Tick(id, now.AddMinutes(-4), 81));
        Assert.Equal((2, 1), (first["accepted"]!.GetValue<int>(), first["late"]!.GetValue<int>()));
        Assert.Equal(90, (await InstrumentAsync(id))["last"]!["price"]!.GetValue<double>());

        var response = await _admin.DeleteAsync($"/api/v1/instruments/{id}/ticks?from={Text(now.AddHours(1))}&to={Text(now.AddDays(2))}");

        var deletion = await response.OkJsonAsync();
        Assert.Equal(1, deletion["deleted"]!.GetValue<long>());
        Assert.Equal("ops", deletion["by"]!.GetValue<string>());
        // The late tick stored before the deletion is applied now, and so is the next one.
        Assert.Equal(81, (await InstrumentAsync(id))["last"]!["price"]!.GetValue<double>());
        var next = await PostTicksAsync(Tick(id, now.AddMinutes(-3), 82));
        Assert.Equal(1, next["accepted"]!.GetValue<int>());
        var view = await InstrumentAsync(id);
        Assert.Equal(82, view["last"]!["price"]!.GetValue<double>());
        var bars = (await _admin.GetJsonAsync($"/api/v1/instruments/{id}/bars?interval=1m")).AsArray();
        Assert.All(bars, bar => Assert.True(bar!["ts"]!.GetValue<DateTimeOffset>() < now));
        Assert.Equal([80.0, 81.0, 82.0], bars.Select(bar => bar!["close"]!.GetValue<double>()));

        var recorded = Assert.Single((await _admin.GetJsonAsync($"/api/v1/instruments/{id}/ticks/deletions")).AsArray())!;
        Assert.Equal("ops", recorded["by"]!.GetValue<string>());
        Assert.Equal(1, recorded["deleted"]!.GetValue<long>());
        Assert.Equal(now.AddHours(1).ToUnixTimeMilliseconds(), recorded["from"]!.GetValue<DateTimeOffset>().ToUnixTimeMilliseconds());
    }

    [Fact]
    public async Task DeleteTicks_WithoutAdminOrRange_IsRefused()
    {
        string id = await NewInstrumentAsync();
        string range = $"from={Text(DateTimeOffset.UtcNow)}&to={Text(DateTimeOffset.UtcNow.AddHours(1))}";

        Assert.Equal(HttpStatusCode.Forbidden, (await _ingest.DeleteAsync($"/api/v1/instruments/{id}/ticks?{range}")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await _server.CreateClient((string?)null).DeleteAsync($"/api/v1/instruments/{id}/ticks?{range}")).StatusCode);
        await (await _admin.DeleteAsync($"/api/v1/instruments/{id}/ticks?from={Text(DateTimeOffset.UtcNow)}")).AssertProblemAsync(400, "'from' and 'to' are both required");
        await (await _admin.DeleteAsync($"/api/v1/instruments/{id}/ticks?from=2026-01-02T00:00:00Z&to=2026-01-01T00:00:00Z")).AssertProblemAsync(400, "must be before 'to'");
        await (await _admin.DeleteAsync($"/api/v1/instruments/HARD:NOPE/ticks?{range}")).AssertProblemAsync(404, "no instrument");
        Assert.Empty((await _admin.GetJsonAsync($"/api/v1/instruments/{id}/ticks/deletions")).AsArray());
    }

    private async Task<string> NewInstrumentAsync()
    {
        string id = $"HARD:DEL{Guid.NewGuid().ToString("N")[..6].ToUpperInvariant()}";
        var response = await _admin.PutAsJsonAsync($"/api/v1/instruments/{id}",
            new { name = "deletion", kind = "future", currency = "USD", unit = "USD/oz", intervals = new[] { "1m", "1h" } });
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        return id;
    }

    private async Task<System.Text.Json.Nodes.JsonNode> PostTicksAsync(params object[] ticks) =>
        await (await _ingest.PostItemsAsync("/api/v1/ticks", ticks)).OkJsonAsync();

    private Task<System.Text.Json.Nodes.JsonNode> InstrumentAsync(string id) => _admin.GetJsonAsync($"/api/v1/instruments/{id}");

    private static object Tick(string id, DateTimeOffset ts, double price) => TestApi.Tick(id, ts.ToString("O", CultureInfo.InvariantCulture), price);

    private static string Text(DateTimeOffset time) => Uri.EscapeDataString(time.ToString("O", CultureInfo.InvariantCulture));
}
