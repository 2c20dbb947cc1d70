using System.Text;
using System.Text.Json.Nodes;

namespace Monitor.Server.Tests;

[Collection(ServerCollection.Name)]
public sealed class IngestValidationTests(MonitorServerFactory server)
{
    private readonly HttpClient _ingest = server.CreateClient(MonitorServerFactory.IngestKey);

    [Fact]
    public async Task ValidTicks_AreAllAccepted()
    {
        var response = await _ingest.PostItemsAsync("/api/v1/ticks",
            TestApi.Tick("ETF:URA", "2026-01-14T15:30:00Z", 30.1),
            TestApi.Tick("ETF:URA", "2026-01-14T16:30:01.5+01:00", 30.2),
            new { instrument = "ETF:URA", ts = 1768404602000L, price = 30.3 });

        var body = await response.JsonAsync();
        Assert.Equal(3, body["accepted"]!.GetValue<int>());
        Assert.Empty(body["rejected"]!.AsArray());
    }

    [Fact]
    public async Task MixedBatch_KeepsValidItemsAndSaysWhatIsWrongWithEachOther()
    {
        string batch = """
            [
              {"instrument":"ETF:LIT","ts":"2026-01-14T15:30:00Z","price":50.5,"volume":3},
              {"instrument":"XX:NOPE","ts":"2026-01-14T15:30:00Z","price":1},
              {"instrument":"etf:lit","ts":"2026-01-14T15:30:00Z","price":1},
              {"instrument":"ETF:LIT","ts":"2026-01-14T15:30:00Z","price":0},
              {"instrument":"ETF:LIT","ts":"2026-01-14T15:30:00Z","price":-3},
              {"instrument":"ETF:LIT","ts":"2026-01-14T15:30:00Z","price":"NaN"},
              {"instrument":"ETF:LIT","ts":"2026-01-14T15:30:00Z","price":"51.2"},
              {"instrument":"ETF:LIT","ts":"2026-01-14T15:30:00Z","price":51,"volume":-1},
              {"instrument":"ETF:LIT","ts":"2026-01-14T15:30:00","price":51},
              {"instrument":"ETF:LIT","ts":"2099-01-01T00:00:00Z","price":51},
              {"instrument":"ETF:LIT","ts":"1969-12-31T23:59:59Z","price":51},
              {"instrument":"ETF:LIT","ts":true,"price":51},
              42,
              {"instrument":"ETF:L\u200bIT","ts":"2026-01-14T15:30:00Z","price":51},
              {"instrument":"ETF:LIT\u0000","ts":"2026-01-14T15:30:00Z","price":51},
              {"instrument":"ETF:LIT","ts":"2026-01-14T15:30:00Z","price":51,"seq":-1},
              {"instrument":"ETF:LIT","ts":"2026-01-14T15:30:00Z","price":1e400},
              {"instrument":"ETF:LIT","price":51},
              {"instrument":"ETF:LIT","ts":"2026-01-14T15:31:00Z","price":50.7}
            ]
            """;

        var body = await (await _ingest.PostJsonAsync("/api/v1/ticks", batch)).JsonAsync();

        Assert.Equal(2, body["accepted"]!.GetValue<int>());
        var errors = body["rejected"]!.AsArray().ToDictionary(r => r!["index"]!.GetValue<int>(), r => r!["error"]!.GetValue<string>());
        Assert.Equal(Enumerable.Range(1, 17), errors.Keys.Order());
        Assert.Contains("unknown instrument 'XX:NOPE'", errors[1]);
        Assert.Contains("upper case", errors[2]);
        Assert.Contains("above 0", errors[3]);
        Assert.Contains("above 0", errors[4]);
        Assert.Contains("must be a number", errors[5]);
        Assert.Contains("must be a number", errors[6]);
        Assert.Contains("must be from 0 to 1e12", errors[7]);
        Assert.Contains("offset", errors[8]);
        Assert.Contains("ahead", errors[9]);
        Assert.Contains("before 1970", errors[10]);
        Assert.Contains("ISO-8601", errors[11]);
        Assert.Contains("object", errors[12]);
        Assert.Contains("\\u200B", errors[13]);
        Assert.Contains("\\u0000", errors[14]);
        Assert.Contains("seq", errors[15]);
        Assert.Contains("price", errors[16]);
        Assert.Contains("'ts' is missing", errors[17]);
    }

    [Fact]
    public async Task MalformedJson_Is400WithWhereItBroke()
    {
        var response = await _ingest.PostJsonAsync("/api/v1/ticks", "[{\"instrument\":\"ETF:LIT\",");
        await response.AssertProblemAsync(400, "not valid JSON");
    }

    [Fact]
    public async Task JsonThatIsNotAnArray_Is400()
    {
        var response = await _ingest.PostJsonAsync("/api/v1/ticks", "{\"instrument\":\"ETF:LIT\"}");
        await response.AssertProblemAsync(400, "JSON array");
    }

    [Fact]
    public async Task WrongContentType_Is415()
    {
        var response = await _ingest.PostJsonAsync("/api/v1/ticks", "instrument,ts,price", "text/csv");
        await response.AssertProblemAsync(415, "text/csv");
    }

    [Fact]
    public async Task MoreThanTenThousandItems_Is413()
    {
        string batch = "[" + string.Join(",", Enumerable.Repeat("{\"instrument\":\"ETF:LIT\",\"ts\":\"2026-01-14T15:30:00Z\",\"price\":1}", 10_001)) + "]";
        var response = await _ingest.PostJsonAsync("/api/v1/ticks", batch);
        await response.AssertProblemAsync(413, "10000");
    }

    [Fact]
    public async Task BodyOverFourMiB_Is413()
    {
        string batch = "[\"" + new string('x', 4 * 1024 * 1024) + "\"]";
        var response = await _ingest.PostJsonAsync("/api/v1/ticks", batch);
        await response.AssertProblemAsync(413, "MiB");
    }

    [Fact]
    public async Task NdjsonWithABrokenLine_RejectsThatLineOnly()
    {
        string lines = "{\"instrument\":\"ETF:XME\",\"ts\":\"2026-01-14T15:30:00Z\",\"price\":60}\n{not json\n\n{\"instrument\":\"ETF:XME\",\"ts\":\"2026-01-14T15:30:02Z\",\"price\":60.1}\r\n";
        var body = await (await _ingest.PostJsonAsync("/api/v1/ticks", lines, "application/x-ndjson")).JsonAsync();

        Assert.Equal(2, body["accepted"]!.GetValue<int>());
        var rejected = Assert.Single(body["rejected"]!.AsArray());
        Assert.Equal(1, rejected!["index"]!.GetValue<int>());
        Assert.Contains("not valid JSON", rejected["error"]!.GetValue<string>());
    }

    [Fact]
    public async Task EmptyArray_AcceptsNothing()
    {
        var body = await (await _ingest.PostJsonAsync("/api/v1/ticks", "[]")).JsonAsync();
        Assert.Equal(0, body["accepted"]!.GetValue<int>());
    }

    [Fact]
    public async Task InventoryBatch_ConvertsUnitsAndRejectsBadItems()
    {
        string batch = """
            [
              {"instrument":"ETF:GLD","series":"holdings","asOf":"2026-01-14","publishedAt":"2026-01-15T01:00:00Z","quantity":900,"unit":"t"},
              {"instrument":"ETF:GLD","series":"holdings","asOf":"2026-01-14","quantity":1,"unit":"contracts"},
              {"instrument":"ETF:GLD","series":"stash","asOf":"2026-01-14","quantity":1,"unit":"oz"},
              {"instrument":"ETF:GLD","series":"holdings","asOf":"14/01/2026","quantity":1,"unit":"oz"},
              {"instrument":"ETF:GLD","series":"holdings","asOf":"2026-01-14","quantity":-1,"unit":"oz"},
              {"instrument":"ETF:GLD","series":"holdings","asOf":"2026-01-14","quantity":1,"unit":"bushel"}
            ]
            """;
        var body = await (await _ingest.PostJsonAsync("/api/v1/inventory", batch)).JsonAsync();

        Assert.Equal(1, body["accepted"]!.GetValue<int>());
        var errors = body["rejected"]!.AsArray().Select(r => r!["error"]!.GetValue<string>()).ToList();
        Assert.Collection(errors,
            e => Assert.Contains("cannot be converted", e),
            e => Assert.Contains("unknown series", e),
            e => Assert.Contains("not a date", e),
            e => Assert.Contains("negative", e),
            e => Assert.Contains("unknown unit", e));

        var reader = server.CreateClient((string?)null);
        var stored = (await reader.GetJsonAsync("/api/v1/instruments/ETF:GLD/inventory/holdings")).AsArray();
        var value = Assert.Single(stored);
        Assert.Equal("oz", value!["unit"]!.GetValue<string>());
        Assert.Equal(900 * 32150.746568627, value["quantity"]!.GetValue<double>(), 1e-3);
        Assert.Equal("2026-01-14", value["asOf"]!.GetValue<string>());
    }

    [Fact]
    public async Task Restatement_LatestWinsAndEveryVersionIsKept()
    {
        await _ingest.PostJsonAsync("/api/v1/inventory", """
            [{"instrument":"LME:AH","series":"stocks","asOf":"2026-02-03","publishedAt":"2026-02-03T09:00:00Z","quantity":550,"unit":"kt"}]
            """);
        await _ingest.PostJsonAsync("/api/v1/inventory", """
            [{"instrument":"LME:AH","series":"stocks","asOf":"2026-02-03","publishedAt":"2026-02-04T09:00:00Z","quantity":548500,"unit":"t"}]
            """);

        var reader = server.CreateClient((string?)null);
        var latest = Assert.Single((await reader.GetJsonAsync("/api/v1/instruments/LME:AH/inventory/stocks")).AsArray());
        Assert.Equal(548500, latest!["quantity"]!.GetValue<double>(), 6);
        Assert.Equal(2, latest["version"]!.GetValue<int>());
        var all = (await reader.GetJsonAsync("/api/v1/instruments/LME:AH/inventory/stocks?versions=all")).AsArray();
        Assert.Equal([550000d, 548500d], all.Select(v => Math.Round(v!["quantity"]!.GetValue<double>(), 6)));
        await (await reader.GetAsync("/api/v1/instruments/LME:AH/inventory/stocks?versions=some")).AssertProblemAsync(400, "versions");
    }
}
