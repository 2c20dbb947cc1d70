namespace Monitor.Server.Tests;

[Collection(ServerCollection.Name)]
public sealed class TicksTests(MonitorServerFactory server)
{
    private readonly HttpClient _ingest = server.CreateClient(MonitorServerFactory.IngestKey);
    private readonly HttpClient _read = server.CreateClient((string?)null);

    [Fact]
    public async Task RepeatedSeq_IsCountedAsDuplicateAndDropped()
    {
        var first = await (await _ingest.PostItemsAsync("/api/v1/ticks",
            TestApi.Tick("NYMEX:PA", "2026-01-14T15:30:00Z", 1000, seq: 1),
            TestApi.Tick("NYMEX:PA", "2026-01-14T15:30:01Z", 1001, seq: 2),
            TestApi.Tick("NYMEX:PA", "2026-01-14T15:30:02Z", 1002, seq: 3))).JsonAsync();
        var second = await (await _ingest.PostItemsAsync("/api/v1/ticks",
            TestApi.Tick("NYMEX:PA", "2026-01-14T15:30:01Z", 1001, seq: 2),
            TestApi.Tick("NYMEX:PA", "2026-01-14T15:30:02Z", 1002, seq: 3),
            TestApi.Tick("NYMEX:PA", "2026-01-14T15:30:03Z", 1003, seq: 4))).JsonAsync();

        Assert.Equal(3, first["accepted"]!.GetValue<int>());
        Assert.Equal(1, second["accepted"]!.GetValue<int>());
        Assert.Equal(2, second["duplicates"]!.GetValue<int>());
        var instrument = await _read.GetJsonAsync("/api/v1/instruments/NYMEX:PA");
        Assert.Equal(1003, instrument["last"]!["price"]!.GetValue<double>());
    }

    [Fact]
    public async Task TickForAClosedBar_IsLateAndLeavesTheBarAlone()
    {
        var body = await (await _ingest.PostItemsAsync("/api/v1/ticks",
            TestApi.Tick("NYMEX:PL", "2026-01-14T10:00:10Z", 950, volume: 2),
            TestApi.Tick("NYMEX:PL", "2026-01-14T10:00:40Z", 952, volume: 3),
            TestApi.Tick("NYMEX:PL", "2026-01-14T10:01:05Z", 951, volume: 1),
            TestApi.Tick("NYMEX:PL", "2026-01-14T10:00:50Z", 999, volume: 7))).JsonAsync();

        Assert.Equal(3, body["accepted"]!.GetValue<int>());
        Assert.Equal(1, body["late"]!.GetValue<int>());
        var bars = (await _read.GetJsonAsync("/api/v1/instruments/NYMEX:PL/bars?interval=1m&from=2026-01-14T10:00:00Z&to=2026-01-14T10:02:00Z")).AsArray();
        Assert.Equal(2, bars.Count);
        Assert.Equal(DateTimeOffset.Parse("2026-01-14T10:00:00Z", System.Globalization.CultureInfo.InvariantCulture), bars[0]!["ts"]!.GetValue<DateTimeOffset>());
        Assert.Equal(950, bars[0]!["open"]!.GetValue<double>());
        Assert.Equal(952, bars[0]!["high"]!.GetValue<double>());
        Assert.Equal(952, bars[0]!["close"]!.GetValue<double>());
        Assert.Equal(5, bars[0]!["volume"]!.GetValue<double>());
        Assert.Equal(951, bars[1]!["close"]!.GetValue<double>());
    }

    [Fact]
    public async Task ManyBars_GiveIndicatorValuesOverTheAPI()
    {
        var start = DateTimeOffset.Parse("2026-02-02T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture);
        var ticks = Enumerable.Range(0, 30)
            .Select(i => TestApi.Tick("ETF:REMX", start.AddMinutes(i).ToString("O"), 40 + (i % 7)))
            .ToArray();
        await _ingest.PostItemsAsync("/api/v1/ticks", ticks);

        var indicators = await _read.GetJsonAsync("/api/v1/instruments/ETF:REMX/indicators?interval=1m");
        var values = indicators["values"]!;
        // 30 ticks a minute apart close 29 bars: enough for sma(20), rsi(14) and the MACD line, not its signal.
        double expectedSma = Enumerable.Range(9, 20).Average(i => 40.0 + (i % 7));
        Assert.Equal(expectedSma, values["sma(20)"]!.GetValue<double>(), 9);
        Assert.NotNull(values["rsi(14)"]);
        Assert.NotNull(values["macd(12,26,9).macd"]);
        Assert.Null(values["macd(12,26,9).signal"]);
        Assert.Equal(start.AddMinutes(28), indicators["ts"]!.GetValue<DateTimeOffset>());

        var bad = await _read.GetAsync("/api/v1/instruments/ETF:REMX/indicators?interval=7m");
        await bad.AssertProblemAsync(400, "1m, 1h, 1d");
    }

    [Fact]
    public async Task UnknownInstrument_Is404()
    {
        var response = await _read.GetAsync("/api/v1/instruments/XX:NOPE/bars");
        await response.AssertProblemAsync(404, "XX:NOPE");
    }

    [Fact]
    public async Task InstrumentList_HasEveryBuiltInInstrument()
    {
        var list = (await _read.GetJsonAsync("/api/v1/instruments")).AsArray();
        var ids = list.Select(i => i!["id"]!.GetValue<string>()).ToList();
        Assert.Contains("COMEX:SI", ids);
        Assert.Contains("LME:CA", ids);
        Assert.Contains("ETF:SLV", ids);
        Assert.Equal(25, ids.Count);
    }
}
