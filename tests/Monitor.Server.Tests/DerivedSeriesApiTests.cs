using System.Net;
using System.Net.Http.Json;

namespace Monitor.Server.Tests;

/// <summary>Derived series through the API and live: defined, refused with reasons, computed as their inputs tick, read by rules. Its own server: these tests change the catalog.</summary>
public sealed class DerivedSeriesApiTests(MonitorServerFactory server) : IClassFixture<MonitorServerFactory>
{
    private readonly MonitorServerFactory _server = server;

    [Fact]
    public async Task Ratio_TicksAsItsInputsTick_HasBarsAndFeedsARule()
    {
        var admin = _server.CreateClient(MonitorServerFactory.AdminKey);
        var created = await admin.PostJsonAsync("/api/v1/series", """{"id":"X:GSR","name":"Gold/silver ratio","expression":"COMEX:GC / COMEX:SI","unit":"ratio","intervals":["1m","1d"]}""");
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var rule = await admin.PostJsonAsync("/api/v1/rules", """
            {"id":"gsr-high","name":"Ratio above 85","type":"expression","interval":"1m","evaluate":"tick","params":{"condition":"X:GSR > 85"}}
            """);
        Assert.Equal(HttpStatusCode.Created, rule.StatusCode);

        var ticks = await (await admin.PostJsonAsync("/api/v1/ticks", """
            [{"instrument":"COMEX:GC","ts":"2026-05-05T10:00:00Z","price":2400},
             {"instrument":"COMEX:SI","ts":"2026-05-05T10:00:01Z","price":30},
             {"instrument":"COMEX:GC","ts":"2026-05-05T10:00:30Z","price":2430},
             {"instrument":"COMEX:SI","ts":"2026-05-05T10:01:10Z","price":28}]
            """)).OkJsonAsync();
        Assert.Equal(4, ticks["accepted"]!.GetValue<int>());

        var reader = _server.CreateClient((string?)null);
        var ratio = await Eventually.GetAsync(
            () => reader.GetJsonAsync("/api/v1/instruments/X:GSR"),
            r => r["last"] is { } last && last["price"]!.GetValue<double>() > 86,
            because: "the ratio's last price after silver's second tick");
        Assert.Equal("derived", ratio["kind"]!.GetValue<string>());
        Assert.Equal(2430.0 / 28, ratio["last"]!["price"]!.GetValue<double>(), 9);

        var bars = await reader.GetJsonAsync("/api/v1/instruments/X:GSR/bars?interval=1m");
        var closed = bars.AsArray()[0]!;
        Assert.Equal(2, bars.AsArray().Count);
        Assert.Equal((80.0, 81.0), (closed["open"]!.GetValue<double>(), closed["close"]!.GetValue<double>()));

        var alerts = await Eventually.GetAsync(
            () => reader.GetJsonAsync("/api/v1/alerts?ruleId=gsr-high"),
            a => a.AsArray().Count == 1,
            because: "the rule over the ratio fires at 86.8");
        Assert.Equal("firing", alerts[0]!["state"]!.GetValue<string>());

        // A backtest computes the ratio again from the stored gold and silver ticks and raises the same alert.
        var accepted = await (await admin.PostJsonAsync("/api/v1/backtests", """{"ruleIds":["gsr-high"]}""")).OkJsonAsync();
        var report = await Eventually.GetAsync(
            () => admin.GetJsonAsync($"/api/v1/backtests/{accepted["id"]!.GetValue<string>()}"),
            r => r["state"]!.GetValue<string>() != "running",
            TimeSpan.FromSeconds(30),
            because: "the backtest over the ratio's inputs");
        var replayed = Assert.Single(report["alerts"]!.AsArray());
        Assert.Equal(
            (alerts[0]!["id"]!.GetValue<string>(), alerts[0]!["startedAt"]!.GetValue<string>(), alerts[0]!["message"]!.GetValue<string>()),
            (replayed!["id"]!.GetValue<string>(), replayed["startedAt"]!.GetValue<string>(), replayed["message"]!.GetValue<string>()));

        var rejected = await (await admin.PostJsonAsync("/api/v1/ticks", """[{"instrument":"X:GSR","ts":"2026-05-05T10:02:00Z","price":90}]""")).OkJsonAsync();
        Assert.Contains("is a derived series: its values are computed from COMEX:GC / COMEX:SI", rejected["rejected"]![0]!["error"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    /// <summary>
    /// <c>notReady</c> says why the last input tick made no tick of the series; before any input ticked there is no such
    /// tick, and it is null, as it is once the series ticks.
    /// </summary>
    [Fact]
    public async Task NotReady_IsNullBeforeAnyInputTicks_NamesTheInputWithoutAValue_AndIsNullOnceTheSeriesTicks()
    {
        var admin = _server.CreateClient(MonitorServerFactory.AdminKey);
        var created = await admin.PostJsonAsync("/api/v1/series", """{"id":"X:PTPD","name":"Platinum/palladium","expression":"NYMEX:PL / NYMEX:PA","unit":"ratio","intervals":["1m"]}""");
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var reader = _server.CreateClient((string?)null);

        var fresh = (await reader.GetJsonAsync("/api/v1/series/X:PTPD")).AsObject();
        Assert.True(fresh.TryGetPropertyValue("notReady", out var none) && none is null, $"notReady before any input ticked: {fresh}");

        await (await admin.PostJsonAsync("/api/v1/ticks", """[{"instrument":"NYMEX:PL","ts":"2026-05-06T10:00:00Z","price":1000}]""")).OkJsonAsync();
        await Eventually.GetAsync(
            () => reader.GetJsonAsync("/api/v1/series/X:PTPD"),
            r => r["notReady"]?.GetValue<string>() == "NYMEX:PA has no value yet",
            because: "platinum ticked, palladium has no price");

        await (await admin.PostJsonAsync("/api/v1/ticks", """[{"instrument":"NYMEX:PA","ts":"2026-05-06T10:00:01Z","price":800}]""")).OkJsonAsync();
        var ticking = await Eventually.GetAsync(
            () => reader.GetJsonAsync("/api/v1/series/X:PTPD"),
            r => r.AsObject().TryGetPropertyValue("notReady", out var reason) && reason is null,
            because: "palladium's tick made a tick of the series");
        Assert.Equal("NYMEX:PL / NYMEX:PA", ticking["expression"]!.GetValue<string>());
    }

    [Fact]
    public async Task BadDefinitions_AreRefusedWithTheReason_AndNothingIsSaved()
    {
        var admin = _server.CreateClient(MonitorServerFactory.AdminKey);
        async Task Refused(string body, int status, string expected)
        {
            var response = await admin.PostJsonAsync("/api/v1/series", body);
            await response.AssertProblemAsync(status, expected);
        }

        await Refused("""{"id":"ETF:R","name":"r","expression":"COMEX:GC / COMEX:SI","unit":"ratio"}""", 400, "a derived series' id has the venue X");
        await Refused("""{"id":"X:R1","name":"r","expression":"COMEX:GC / NOPE:X1","unit":"ratio"}""", 400, "reads NOPE:X1, which is not an instrument or derived series here");
        await Refused("""{"id":"X:R2","name":"r","expression":"COMEX:GC + ETF:SLV/holdings","unit":"ratio"}""", 400, "at position 10 ('+'): cannot add a price");
        await Refused("""{"id":"X:R3","name":"r","expression":"mean(COMEX:GC, P5D)","unit":"ratio"}""", 400, "takes no mean()");
        await Refused("""{"id":"X:R4","name":"r","unit":"ratio"}""", 400, "'expression' is required");
        var rule = await admin.PostJsonAsync("/api/v1/rules", """{"id":"reads-x-r1","type":"expression","interval":"1m","params":{"condition":"X:R1 > 1"}}""");
        await rule.AssertProblemAsync(400, "unknown derived series 'X:R1': define it first with POST /api/v1/series");

        Assert.Equal(HttpStatusCode.Created, (await admin.PostJsonAsync("/api/v1/series", """{"id":"X:A","name":"a","expression":"COMEX:GC * 2","unit":"USD/oz"}""")).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await admin.PostJsonAsync("/api/v1/series", """{"id":"X:B","name":"b","expression":"X:A / COMEX:SI","unit":"ratio"}""")).StatusCode);
        await Refused("""{"id":"X:A","name":"a","expression":"COMEX:GC","unit":"USD/oz"}""", 409, "exists already");
        var cycle = await admin.PutAsync("/api/v1/series/X:A", JsonContent.Create(new { expression = "X:B * COMEX:GC" }));
        await cycle.AssertProblemAsync(400, "would make a cycle of derived series: X:A -> X:B -> X:A");
        var inUse = await admin.DeleteAsync("/api/v1/series/X:A");
        await inUse.AssertProblemAsync(409, "X:B reads X:A");
        var instrument = await admin.PutAsync("/api/v1/instruments/X:C", JsonContent.Create(new { name = "c", unit = "USD" }));
        await instrument.AssertProblemAsync(400, "the venue X is for derived series");

        var list = await _server.CreateClient((string?)null).GetJsonAsync("/api/v1/series");
        Assert.Equal(["X:A", "X:B"], list.AsArray().Select(s => s!["id"]!.GetValue<string>()).Where(id => id is "X:A" or "X:B" or "X:R1" or "X:R2" or "X:R3" or "X:R4"));
        Assert.Equal("COMEX:GC * 2", list.AsArray().Single(s => s!["id"]!.GetValue<string>() == "X:A")!["expression"]!.GetValue<string>());

        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync("/api/v1/series/X:B")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _server.CreateClient((string?)null).GetAsync("/api/v1/series/X:B")).StatusCode);
    }
}
