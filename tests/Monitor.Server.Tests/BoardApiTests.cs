namespace Monitor.Server.Tests;

/// <summary>What the server adds for the board: the page itself, who a key is, and bars with indicator values.</summary>
[Collection(ServerCollection.Name)]
public sealed class BoardApiTests(MonitorServerFactory server)
{
    private readonly HttpClient _read = server.CreateClient((string?)null);

    [Fact]
    public async Task Root_ServesTheBundledBoard()
    {
        var page = await _read.GetAsync("/");
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        Assert.Contains("app.js", await page.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        var script = await _read.GetAsync("/app.js");
        Assert.True(script.IsSuccessStatusCode);
        Assert.Equal("no-cache", script.Headers.CacheControl?.ToString());
    }

    [Fact]
    public async Task Me_WithoutKey_ReadsAnonymously()
    {
        var me = await _read.GetJsonAsync("/api/v1/me");

        Assert.Null(me["name"]);
        Assert.Equal(["read"], me["roles"]!.AsArray().Select(r => r!.GetValue<string>()));
        Assert.True(me["anonymousRead"]!.GetValue<bool>());
    }

    [Fact]
    public async Task Me_WithAdminKey_NamesTheKeyAndEveryRole()
    {
        var me = await server.CreateClient(MonitorServerFactory.AdminKey).GetJsonAsync("/api/v1/me");

        Assert.Equal("ops", me["name"]!.GetValue<string>());
        Assert.Equal(["read", "ingest", "admin"], me["roles"]!.AsArray().Select(r => r!.GetValue<string>()));
    }

    [Fact]
    public async Task Me_WithWrongKey_IsUnauthorized()
    {
        await (await server.CreateClient("not-a-key-0123456789abcdef").GetAsync("/api/v1/me")).AssertProblemAsync(401, "not valid");
    }

    [Fact]
    public async Task BarsWithIndicators_CarryEachClosedBarsValuesWarmedUpOnOlderBars()
    {
        var start = new DateTimeOffset(2026, 2, 2, 10, 0, 0, TimeSpan.Zero);
        var ticks = Enumerable.Range(0, 12).Select(i => TestApi.Tick("ETF:GDX", start.AddMinutes(i).AddSeconds(30).ToString("O"), 10 + i))
            .Append(TestApi.Tick("ETF:GDX", start.AddMinutes(12).AddSeconds(10).ToString("O"), 30))
            .ToArray();
        await (await server.CreateClient(MonitorServerFactory.IngestKey).PostItemsAsync("/api/v1/ticks", ticks)).OkJsonAsync();

        var bars = (await _read.GetJsonAsync("/api/v1/instruments/ETF:GDX/bars?interval=1m&from=2026-02-02T10:09:00Z&to=2026-02-02T10:12:00Z&indicator=sma(5)&indicator=macd(12,26,9)")).AsArray();

        Assert.Equal([19.0, 20, 21], bars.Select(b => b!["close"]!.GetValue<double>()));
        Assert.Equal([17.0, 18, 19], bars.Select(b => b!["indicators"]!["sma(5)"]!.GetValue<double>()));
        Assert.All(bars, b => Assert.Null(b!["indicators"]!["macd(12,26,9).signal"]));
    }

    [Fact]
    public async Task BarsWithUnknownIndicator_IsBadRequest()
    {
        await (await _read.GetAsync("/api/v1/instruments/ETF:GDX/bars?indicator=foo(3)")).AssertProblemAsync(400, "unknown indicator");
    }

    [Fact]
    public async Task Instruments_ListTheirIntervals()
    {
        var silver = await _read.GetJsonAsync("/api/v1/instruments/COMEX:SI");

        Assert.Equal(["1m", "1h", "1d"], silver["intervals"]!.AsArray().Select(i => i!.GetValue<string>()));
    }
}
