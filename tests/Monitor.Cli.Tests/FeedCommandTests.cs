using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Monitor.Cli.Feed;
using Monitor.Core.Market;
using Monitor.Core.Simulation;

namespace Monitor.Cli.Tests;

/// <summary><c>monitor feed</c> against an in-process receiver: what goes over the wire, and when the run ends.</summary>
public sealed class FeedCommandTests
{
    private const string ApiKey = FeedInvocation.ApiKey;
    private static readonly TimeSpan Deadline = FeedInvocation.Deadline;

    [Theory]
    [InlineData("2000", 25 + 3000)]
    [InlineData("0", null)]
    public async Task Feed_WithDuration_PostsWellFormedBatchesInOrderAndEnds(string rate, int? expectedTicks)
    {
        await using var receiver = await FeedReceiver.StartAsync();
        var stopwatch = Stopwatch.StartNew();

        var result = await InvokeAsync(receiver, "--rate", rate, "--duration", "1.5s", "--batch", "100", "--concurrency", "3", "--seed", "7");

        Assert.Equal(0, result.ExitCode);
        Assert.InRange(stopwatch.Elapsed, TimeSpan.FromSeconds(1.5), Deadline);
        Assert.All(receiver.Requests, r => Assert.Equal(ApiKey, r.ApiKey));
        Assert.All(receiver.Requests, r => Assert.StartsWith("application/json", r.ContentType, StringComparison.Ordinal));
        var ticks = receiver.Requests.Where(r => r.Path == "/api/v1/ticks").SelectMany(r => ReadTicks(r.Body, maxItems: 100)).ToList();
        if (expectedTicks is { } expected)
        {
            Assert.Equal(expected, ticks.Count);
        }
        else
        {
            Assert.True(ticks.Count > 1000, $"only {ticks.Count} ticks at full speed");
        }

        Assert.Equal(MarketCalibration.Instruments.Select(p => p.Instrument.Value).Order(), ticks.Select(t => t.Instrument).Distinct().Order());
        foreach (var instrument in ticks.GroupBy(t => t.Instrument))
        {
            var seqs = instrument.Select(t => t.Seq).ToList();
            Assert.True(seqs.Zip(seqs.Skip(1)).All(p => p.Second > p.First), $"{instrument.Key}: seq does not increase in arrival order");
        }

        Assert.Contains(string.Create(CultureInfo.InvariantCulture, $"sent {ticks.Count:#,0} accepted {ticks.Count:#,0} rejected 0"), result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Feed_Spread_SendsTheSameTicksToEveryGeneratedInstrumentNumberingEachOnesSeqFromOne()
    {
        await using var receiver = await FeedReceiver.StartAsync();

        var result = await InvokeAsync(receiver, "--rate", "2000", "--duration", "1.5s", "--batch", "100", "--concurrency", "3", "--seed", "7", "--spread", "40");

        Assert.Equal(0, result.ExitCode);
        var ticks = receiver.Requests.Where(r => r.Path == "/api/v1/ticks").SelectMany(r => ReadTicks(r.Body, maxItems: 100, spread: 40)).ToList();
        // The simulator's ticks as without --spread, only routed: as many, over FEED:I0 to FEED:I39, every one of them fed.
        Assert.Equal(25 + 3000, ticks.Count);
        Assert.Equal(Enumerable.Range(0, 40).Select(k => FeedSettings.SpreadPrefix + k.ToString(CultureInfo.InvariantCulture)).Order(), ticks.Select(t => t.Instrument).Distinct().Order());
        foreach (var instrument in ticks.GroupBy(t => t.Instrument))
        {
            Assert.Equal(Enumerable.Range(1, instrument.Count()).Select(n => (long)n), instrument.Select(t => t.Seq));
        }

        Assert.Contains(string.Create(CultureInfo.InvariantCulture, $"sent {ticks.Count:#,0} accepted {ticks.Count:#,0} rejected 0"), result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Feed_Inventory_PostsEverySeriesInItsContractUnit()
    {
        await using var receiver = await FeedReceiver.StartAsync();

        var result = await InvokeAsync(receiver, "--rate", "100", "--duration", "1s");

        Assert.Equal(0, result.ExitCode);
        var catalog = InstrumentCatalog.BuiltIn();
        var values = receiver.Requests.Where(r => r.Path == "/api/v1/inventory").SelectMany(r => Items(r.Body)).ToList();
        Assert.Equal(17, values.Select(v => (v.GetProperty("instrument").GetString(), v.GetProperty("series").GetString())).Distinct().Count());
        Assert.Contains(values, v => v.TryGetProperty("location", out var location) && location.GetString() == "JP MORGAN CHASE BANK NA");
        Assert.All(values, v =>
        {
            // Totals have no location; the COMEX and LME stocks come by location too.
            string[] fields = v.TryGetProperty("location", out _)
                ? ["asOf", "instrument", "location", "publishedAt", "quantity", "series", "unit"]
                : ["asOf", "instrument", "publishedAt", "quantity", "series", "unit"];
            Assert.Equal(fields, v.EnumerateObject().Select(p => p.Name).Order());
            Assert.True(catalog.TryGet(InstrumentId.Parse(v.GetProperty("instrument").GetString()!), out var definition));
            Assert.True(QuantityUnits.TryParse(v.GetProperty("unit").GetString(), out var unit));
            Assert.Equal(InventorySeries.BaseUnit(v.GetProperty("series").GetString()!, definition.PreciousMetal), unit);
            Assert.True(DateOnly.TryParseExact(v.GetProperty("asOf").GetString(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out _));
            Assert.True(DateTimeOffset.TryParse(v.GetProperty("publishedAt").GetString(), CultureInfo.InvariantCulture, DateTimeStyles.None, out _));
        });
    }

    [Fact]
    public async Task Feed_InventoryRouteAnswers404_WarnsOnceAndKeepsSendingTicks()
    {
        await using var receiver = await FeedReceiver.StartAsync(inventoryRoute: false);

        var result = await InvokeAsync(receiver, "--rate", "500", "--duration", "1s", "--batch", "50");

        Assert.Equal(0, result.ExitCode);
        Assert.Single(result.OutputLines, line => line.Contains("404", StringComparison.Ordinal) && line.StartsWith("warning:", StringComparison.Ordinal));
        Assert.Equal(25 + 500, receiver.Requests.Where(r => r.Path == "/api/v1/ticks").Sum(r => ReadTicks(r.Body, maxItems: 50).Count));
        Assert.Contains("inventory off (404)", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Feed_ServerRefusesTheKey_PrintsTheProblemOnceCountsEveryRequestAndExitsWithOne()
    {
        await using var receiver = await FeedReceiver.StartAsync(ticksStatus: 401);

        var result = await InvokeAsync(receiver, "--rate", "1000", "--duration", "1s", "--batch", "100");

        int requests = receiver.Requests.Count(r => r.Path == "/api/v1/ticks");
        Assert.Equal(1, result.ExitCode);
        Assert.True(requests > 1, $"{requests} tick requests");
        Assert.Single(result.OutputLines, line => line.Contains("the API key is not valid; pass a key with the ingest role", StringComparison.Ordinal));
        Assert.Contains($"failed: HTTP 401: {requests} request(s)", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Feed_CancelledWithoutDuration_StopsPromptlyAndPrintsTheSummary()
    {
        await using var receiver = await FeedReceiver.StartAsync();
        using var cancellation = new CancellationTokenSource();

        var run = InvokeAsync(receiver, cancellation.Token, "--rate", "1000", "--batch", "10");
        await receiver.WaitForTicksAsync(Deadline);
        var stopwatch = Stopwatch.StartNew();
        await cancellation.CancelAsync();
        var result = await run.WaitAsync(Deadline);

        Assert.InRange(stopwatch.Elapsed, TimeSpan.Zero, TimeSpan.FromSeconds(5));
        Assert.Contains(result.OutputLines, line => line.StartsWith("done after", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Feed_RunningLongerThanTheReportInterval_PrintsProgressWithRateAndLatency()
    {
        await using var receiver = await FeedReceiver.StartAsync();
        using var output = new StringWriter();
        var settings = new FeedSettings(receiver.Url, ApiKey, Rate: 1000, Duration: TimeSpan.FromSeconds(1.2), Instruments: [], Batch: 100, Concurrency: 2, Seed: 3)
        {
            ReportInterval = TimeSpan.FromMilliseconds(250),
        };

        int exitCode = await FeedRunner.RunAsync(settings, output, TextWriter.Null, TimeProvider.System, CancellationToken.None).WaitAsync(Deadline);

        Assert.Equal(0, exitCode);
        var progress = output.ToString().Split('\n').Where(line => line.StartsWith('[')).ToList();
        Assert.NotEmpty(progress);
        Assert.All(progress, line => Assert.Matches(@"^\[\s*\d+\.\ds\] sent [\d,]+ accepted [\d,]+ rejected 0 duplicates 0 late 0 failed 0 \| [\d,]+ ticks/s \| latency (p50 [\d.]+ ms p99 [\d.]+ ms|n/a) \| inventory sent \d+ accepted \d+", line));
    }

    [Theory]
    [InlineData("30s", 30_000)]
    [InlineData("500ms", 500)]
    [InlineData("1.5s", 1_500)]
    [InlineData("5m", 300_000)]
    [InlineData("1h30m", 5_400_000)]
    [InlineData("PT1M", 60_000)]
    [InlineData("pt2s", 2_000)]
    [InlineData("00:01:00", 60_000)]
    public void TryParseDuration_AcceptedForms_GiveTheDuration(string text, int expectedMilliseconds)
    {
        Assert.True(FeedCommand.TryParseDuration(text, out var duration));
        Assert.Equal(TimeSpan.FromMilliseconds(expectedMilliseconds), duration);
    }

    [Theory]
    [InlineData("")]
    [InlineData("30")]
    [InlineData("0s")]
    [InlineData("-5s")]
    [InlineData("5x")]
    [InlineData("s")]
    [InlineData("P1Q")]
    public void TryParseDuration_OtherText_IsRefused(string text)
    {
        Assert.False(FeedCommand.TryParseDuration(text, out _));
    }

    [Theory]
    [InlineData("--url ftp://example.org --api-key k", "--url")]
    [InlineData("--url http://127.0.0.1:1 --api-key k --batch 10001", "--batch")]
    [InlineData("--url http://127.0.0.1:1 --api-key k --rate -1", "--rate")]
    [InlineData("--url http://127.0.0.1:1 --api-key k --concurrency 0", "--concurrency")]
    [InlineData("--url http://127.0.0.1:1 --api-key k --instruments COMEX:SI,COMEX:XX", "COMEX:XX")]
    [InlineData("--url http://127.0.0.1:1 --api-key k --duration soon", "--duration")]
    [InlineData("--url http://127.0.0.1:1 --api-key k --spread -1", "--spread")]
    [InlineData("--url http://127.0.0.1:1 --api-key k --spread 100001", "--spread")]
    [InlineData("--url http://127.0.0.1:1", "--api-key")]
    public void Parse_BadArguments_NameTheOption(string arguments, string expected)
    {
        var result = new RootCommand { FeedCommand.Create() }.Parse($"feed {arguments}");

        Assert.Contains(result.Errors, e => e.Message.Contains(expected, StringComparison.Ordinal));
    }

    [Fact]
    public void Parse_InstrumentsSpaceAndCommaSeparated_AllKept()
    {
        var result = new RootCommand { FeedCommand.Create() }.Parse("feed --url http://127.0.0.1:1 --api-key k --instruments COMEX:SI,ETF:SLV LME:CA");

        Assert.Empty(result.Errors);
        Assert.Equal(["COMEX:SI", "ETF:SLV", "LME:CA"], result.GetValue<string[]>("--instruments") ?? []);
    }

    private static Task<FeedRun> InvokeAsync(FeedReceiver receiver, params string[] arguments) =>
        InvokeAsync(receiver, CancellationToken.None, arguments);

    private static async Task<FeedRun> InvokeAsync(FeedReceiver receiver, CancellationToken cancellationToken, params string[] arguments)
    {
        var run = await FeedInvocation.InvokeAsync(receiver, cancellationToken, arguments);
        Assert.Equal("", run.Errors);
        return run;
    }

    /// <summary>The items of a JSON array body.</summary>
    private static List<JsonElement> Items(byte[] body)
    {
        using var document = JsonDocument.Parse(body);
        Assert.Equal(JsonValueKind.Array, document.RootElement.ValueKind);
        return document.RootElement.EnumerateArray().Select(e => e.Clone()).ToList();
    }

    /// <summary>Reads a batch as the server would and checks every tick is well formed, and for a simulated instrument
    /// (or with <paramref name="spread"/>, one of that many generated instruments).</summary>
    private static List<(string Instrument, long Seq)> ReadTicks(byte[] body, int maxItems, int spread = 0)
    {
        var items = Items(body);
        Assert.InRange(items.Count, 1, maxItems);
        return items.Select(item =>
        {
            Assert.Equal(["instrument", "price", "seq", "ts", "volume"], item.EnumerateObject().Select(p => p.Name).Order());
            string instrument = item.GetProperty("instrument").GetString()!;
            Assert.True(
                spread > 0
                    ? instrument.StartsWith(FeedSettings.SpreadPrefix, StringComparison.Ordinal) && int.Parse(instrument[FeedSettings.SpreadPrefix.Length..], CultureInfo.InvariantCulture) < spread
                    : MarketCalibration.TryGetProfile(InstrumentId.Parse(instrument), out _),
                instrument);
            string ts = item.GetProperty("ts").GetString()!;
            Assert.True(DateTimeOffset.TryParse(ts, CultureInfo.InvariantCulture, DateTimeStyles.None, out var time) && (ts.EndsWith('Z') || ts[^6] is '+' or '-'), ts);
            Assert.InRange(time, DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddMinutes(1));
            double price = item.GetProperty("price").GetDouble();
            Assert.True(double.IsFinite(price) && price > 0, $"price {price}");
            Assert.True(item.GetProperty("volume").GetDouble() > 0);
            return (instrument, item.GetProperty("seq").GetInt64());
        }).ToList();
    }
}
