using System.Globalization;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;

namespace Monitor.Server.Tests.Hardening;

/// <summary>What a hostile or careless client sent that once broke reads, the hub or whole batches. A server of its own:
/// the instruments these tests add would change the shared server's list.</summary>
public sealed class HostileInputTests(MonitorServerFactory server) : IClassFixture<MonitorServerFactory>
{
    private readonly HttpClient _ingest = server.CreateClient(MonitorServerFactory.IngestKey);
    private readonly HttpClient _admin = server.CreateClient(MonitorServerFactory.AdminKey);
    private readonly HttpClient _reader = server.CreateClient((string?)null);

    [Fact]
    public async Task HugeFiniteNumbers_AreRejectedPerItemAndReadsKeepWorking()
    {
        string id = await NewInstrumentAsync("HUGE");
        string now = Now();
        var body = await (await _ingest.PostJsonAsync("/api/v1/ticks", $$"""
            [{"instrument":"{{id}}","ts":"{{now}}","price":80},
             {"instrument":"{{id}}","ts":"{{now}}","price":1.7e308},
             {"instrument":"{{id}}","ts":"{{now}}","price":1000000001},
             {"instrument":"{{id}}","ts":"{{now}}","price":80,"volume":1.7e308},
             {"instrument":"{{id}}","ts":"{{now}}","price":80,"volume":1000000000001}]
            """)).OkJsonAsync();

        Assert.Equal(1, body["accepted"]!.GetValue<int>());
        Assert.Equal([1, 2, 3, 4], body["rejected"]!.AsArray().Select(r => r!["index"]!.GetValue<int>()));
        Assert.All(body["rejected"]!.AsArray().Take(2), r => Assert.Contains("'price' must be above 0 and at most 1e9", r!["error"]!.GetValue<string>()));
        Assert.All(body["rejected"]!.AsArray().Skip(2), r => Assert.Contains("'volume' must be from 0 to 1e12", r!["error"]!.GetValue<string>()));

        var inventory = await (await _ingest.PostJsonAsync("/api/v1/inventory", """
            [{"instrument":"ETF:SLV","series":"holdings","asOf":"2026-01-14","quantity":1e308,"unit":"moz"},
             {"instrument":"ETF:SLV","series":"holdings","asOf":"2026-01-14","quantity":1e12,"unit":"moz"}]
            """)).OkJsonAsync();
        Assert.Equal(0, inventory["accepted"]!.GetValue<int>());
        Assert.All(inventory["rejected"]!.AsArray(), r => Assert.Contains("'quantity' must be at most 1e15 oz", r!["error"]!.GetValue<string>()));

        await _reader.GetJsonAsync("/api/v1/instruments");
        await _reader.GetJsonAsync($"/api/v1/instruments/{id}");
    }

    [Fact]
    public async Task ExtremesAtTheLimits_KeepEveryNumberFiniteInReadsAndOnTheHub()
    {
        string id = await NewInstrumentAsync("EDGE");
        await using var hub = new HubConnectionBuilder()
            .WithUrl(new Uri(server.Server.BaseAddress, "/hubs/market"), o =>
            {
                o.HttpMessageHandlerFactory = _ => server.Server.CreateHandler();
                o.Transports = HttpTransportType.LongPolling;
            })
            .Build();
        var quotes = new List<JsonElement>();
        hub.On<JsonElement>("Quote", q =>
        {
            lock (quotes)
            {
                quotes.Add(q);
            }
        });
        await hub.StartAsync();
        await hub.InvokeAsync("SubscribeInstruments", new[] { id });

        // The smallest price then the largest: today's change overflows to infinity. Volumes at the limit sum into bars.
        var start = DateTimeOffset.UtcNow.AddMinutes(-30);
        var ticks = new List<object> { new { instrument = id, ts = start.ToString("O"), price = 1e-300, volume = 1e12 } };
        ticks.AddRange(Enumerable.Range(1, 200).Select(i => (object)new { instrument = id, ts = start.AddSeconds(i * 5).ToString("O"), price = 1e9, volume = 1e12 }));
        var accepted = await (await _ingest.PostItemsAsync("/api/v1/ticks", [.. ticks])).OkJsonAsync();
        Assert.Equal(201, accepted["accepted"]!.GetValue<int>());

        var list = await _reader.GetJsonAsync("/api/v1/instruments");
        var view = list.AsArray().Single(i => i!["id"]!.GetValue<string>() == id)!;
        Assert.Null(view["changePct"]);
        var bars = await _reader.GetJsonAsync($"/api/v1/instruments/{id}/bars?interval=1m&indicator=rsi(14)&indicator=bb(20,2)");
        Assert.Contains(bars.AsArray(), b => b!["volume"]!.GetValue<double>() >= 12 * 1e12);
        await _reader.GetJsonAsync($"/api/v1/instruments/{id}/indicators?interval=1m");

        // The hub connection lives through it, and later ticks still arrive.
        await Eventually.GetAsync(
            async () =>
            {
                await _ingest.PostItemsAsync("/api/v1/ticks", new { instrument = id, ts = DateTimeOffset.UtcNow.ToString("O"), price = 1e9, volume = 1 });
                lock (quotes)
                {
                    return quotes.Count;
                }
            },
            count => count > 0,
            because: "a quote after the overflowing change");
        Assert.Equal(HubConnectionState.Connected, hub.State);
        lock (quotes)
        {
            Assert.All(quotes, q => Assert.Equal(JsonValueKind.Null, q.GetProperty("changePct").ValueKind));
        }
    }

    [Fact]
    public async Task TickAheadOfTheClock_IsRejectedBeyondTheSkew()
    {
        string id = await NewInstrumentAsync("SKEW");
        var now = DateTimeOffset.UtcNow;
        var body = await (await _ingest.PostItemsAsync("/api/v1/ticks",
            new { instrument = id, ts = now.AddSeconds(30).ToString("O"), price = 10 },
            new { instrument = id, ts = now.AddMinutes(5).ToString("O"), price = 10 },
            new { instrument = id, ts = now.AddHours(23).ToUnixTimeMilliseconds(), price = 10 })).OkJsonAsync();

        Assert.Equal(1, body["accepted"]!.GetValue<int>());
        Assert.Equal([1, 2], body["rejected"]!.AsArray().Select(r => r!["index"]!.GetValue<int>()));
        Assert.All(body["rejected"]!.AsArray(), r => Assert.Contains("ahead of the server clock", r!["error"]!.GetValue<string>()));
    }

    [Fact]
    public async Task OneBadItem_IsRejectedWithItsIndexAndTheOtherNinetyNineAreStored()
    {
        string id = await NewInstrumentAsync("BATCH");
        var start = DateTimeOffset.UtcNow.AddHours(-2);
        string[] bad =
        [
            $$"""{"instrument":"{{id}}","ts":-99999999999999,"price":10}""",
            $$"""{"instrument":"{{id}}","ts":-62135596800001,"price":10}""",
            $$"""{"instrument":"{{id}}\ud800","ts":"{{Now()}}","price":10}""",
            $$"""{"instrument":"{{id}}","ts":"{{Now()}}","price":10,"seq":"\udfff"}""",
            $$"""{"instrument":"{{id}}","ts":"{{Now()}}","price":-5,"price":900}""",
        ];
        var items = Enumerable.Range(0, 99).Select(i => $$"""{"instrument":"{{id}}","ts":"{{start.AddSeconds(i).ToString("O")}}","price":10}""").ToList();
        for (int i = 0; i < bad.Length; i++)
        {
            items.Insert(i * 20, bad[i]);
        }

        var body = await (await _ingest.PostJsonAsync("/api/v1/ticks", "[" + string.Join(",", items) + "]")).OkJsonAsync();

        Assert.Equal(99, body["accepted"]!.GetValue<int>());
        var errors = body["rejected"]!.AsArray().ToDictionary(r => r!["index"]!.GetValue<int>(), r => r!["error"]!.GetValue<string>());
        Assert.Equal([0, 20, 40, 60, 80], errors.Keys);
        Assert.Contains("before 1970", errors[0]);
        Assert.Contains("before 1970", errors[20]);
        Assert.Contains("'instrument' holds text that is not valid Unicode", errors[40]);
        Assert.Contains("'seq' holds text that is not valid Unicode", errors[60]);
        Assert.Contains("has the key 'price' twice", errors[80]);
    }

    [Fact]
    public async Task KeysGivenTwice_AreFoundWhetherEscapedNestedOrPastSixteenKeys()
    {
        string id = await NewInstrumentAsync("KEYS");
        string many = string.Join(",", Enumerable.Range(0, 18).Select(i => $"\"k{i}\":{i}"));
        string[] items =
        [
            $$"""{"instrument":"{{id}}","ts":"{{Now()}}","price":10,"pr\u0069ce":11}""",
            $$"""{"instrument":"{{id}}","ts":"{{Now()}}","price":10,"extra":{"a":1,"b":2,"a":3} }""",
            $$"""{"instrument":"{{id}}","ts":"{{Now()}}","price":10,{{many}},"k3":0}""",
            $$"""{"instrument":"{{id}}","ts":"{{Now()}}","price":10,{{many}}}""",
            $$"""{"instrument":"{{id}}","ts":"{{Now()}}","price":10,"note":"caf\u00e9","notes":"x"}""",
        ];

        var body = await (await _ingest.PostJsonAsync("/api/v1/ticks", "[" + string.Join(",", items) + "]")).OkJsonAsync();

        var errors = body["rejected"]!.AsArray().ToDictionary(r => r!["index"]!.GetValue<int>(), r => r!["error"]!.GetValue<string>());
        Assert.Equal([0, 1, 2], errors.Keys);
        Assert.Contains("has the key 'price' twice", errors[0]);
        Assert.Contains("'extra' has the key 'a' twice", errors[1]);
        Assert.Contains("has the key 'k3' twice", errors[2]);
    }

    [Fact]
    public async Task BadInventoryItems_AreRejectedOneByOne()
    {
        var body = await (await _ingest.PostJsonAsync("/api/v1/inventory", """
            [{"instrument":"ETF:SIL","series":"holdings","asOf":"2026-01-14","publishedAt":-1e14,"quantity":5,"unit":"oz"},
             {"instrument":"ETF:SIL","series":"holdings","asOf":"2026-01-14","quantity":5,"unit":"o\ud800z"},
             {"instrument":"ETF:SIL","series":"hold\udc00ings","asOf":"2026-01-14","quantity":5,"unit":"oz"},
             {"instrument":"ETF:SIL","series":"holdings","asOf":"2026-01-14","quantity":5,"unit":"oz"}]
            """)).OkJsonAsync();

        Assert.Equal(1, body["accepted"]!.GetValue<int>());
        var errors = body["rejected"]!.AsArray().Select(r => r!["error"]!.GetValue<string>()).ToList();
        Assert.Collection(errors,
            e => Assert.Contains("before 1970", e),
            e => Assert.Contains("'unit' holds text that is not valid Unicode", e),
            e => Assert.Contains("'series' holds text that is not valid Unicode", e));
    }

    [Fact]
    public async Task BodyThatIsNotUtf8_Is400WithADetail()
    {
        byte[] body = [.. "[{\"instrument\":\"ETF:SIL\",\"ts\":\""u8, 0xC3, 0x28, .. "\",\"price\":1}]"u8];
        var response = await _ingest.PostAsync("/api/v1/ticks", new ByteArrayContent(body) { Headers = { ContentType = new("application/json") } });
        await response.AssertProblemAsync(400, "not UTF-8");

        var rule = await _admin.PostAsync("/api/v1/rules", new ByteArrayContent(body) { Headers = { ContentType = new("application/json") } });
        await rule.AssertProblemAsync(400, "not UTF-8");
    }

    [Fact]
    public async Task BodyStartingWithAByteOrderMark_IsAccepted()
    {
        string id = await NewInstrumentAsync("BOM");
        byte[] json = Encoding.UTF8.GetBytes($$"""[{"instrument":"{{id}}","ts":"{{Now()}}","price":10}]""");
        var content = new ByteArrayContent([0xEF, 0xBB, 0xBF, .. json]) { Headers = { ContentType = new("application/json") } };
        var body = await (await _ingest.PostAsync("/api/v1/ticks", content)).OkJsonAsync();
        Assert.Equal(1, body["accepted"]!.GetValue<int>());
    }

    [Fact]
    public async Task RuleWithALoneSurrogateOrADuplicateKey_Is400()
    {
        var surrogate = await _admin.PostJsonAsync("/api/v1/rules", """
            {"id":"bad\ud800id","name":"x","type":"threshold","severity":"info","interval":"1m","params":{"input":"COMEX:SI","op":"above","value":1}}
            """);
        await surrogate.AssertProblemAsync(400, "'id' holds text that is not valid Unicode");

        var name = await _admin.PostJsonAsync("/api/v1/rules", """
            {"id":"bad-name","name":"x\udc00","type":"threshold","severity":"info","interval":"1m","params":{"input":"COMEX:SI","op":"above","value":1}}
            """);
        await name.AssertProblemAsync(400, "'name' holds text");

        var duplicate = await _admin.PostJsonAsync("/api/v1/rules", """
            {"id":"dup-key","name":"x","type":"threshold","severity":"info","interval":"1m","params":{"input":"COMEX:SI","op":"above","value":1,"value":2}}
            """);
        await duplicate.AssertProblemAsync(400, "'params' has the key 'value' twice");
    }

    [Fact]
    public async Task BacktestFromLongBefore1970_Is400()
    {
        var response = await _admin.PostJsonAsync("/api/v1/backtests", """{"ruleIds":[],"from":-1e14}""");
        await response.AssertProblemAsync(400, "before 1970");
    }

    [Theory]
    [InlineData("/api/v1/ticks", 5_000_000)]
    [InlineData("/api/v1/rules", 5_000_000)]
    [InlineData("/api/v1/backtests", 25_000_000)]
    [InlineData("/api/v1/backtests", 40_000_000)]
    public async Task ChunkedBodyOverTheLimit_Is413WithADetail(string path, int size)
    {
        var content = new StreamContent(new PaddedJsonStream(size)) { Headers = { ContentType = new("application/json") } };
        var response = await _admin.PostAsync(path, content);
        await response.AssertProblemAsync(413, "at most");
    }

    [Fact]
    public async Task FrameworkRefusedRequests_SayWhatIsWrong()
    {
        await (await _reader.GetAsync("/api/v1/alerts?limit=abc")).AssertProblemAsync(400, "limit");
        await (await _admin.PostJsonAsync("/api/v1/silences", "{\"startsAt\":")).AssertProblemAsync(400, "JSON");
        await (await _admin.PostJsonAsync("/api/v1/webhooks", "{\"url\":42}")).AssertProblemAsync(400, "JSON");
    }

    private async Task<string> NewInstrumentAsync(string code)
    {
        string id = $"HARD:{code}{Guid.NewGuid().ToString("N")[..6].ToUpperInvariant()}";
        var response = await _admin.PutAsJsonAsync($"/api/v1/instruments/{id}",
            new { name = code, kind = "future", currency = "USD", unit = "USD/oz", intervals = new[] { "1m", "1h", "1d" } });
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        return id;
    }

    private static string Now() => DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture);

    /// <summary>A JSON array padded to <c>size</c> bytes, of unknown length, so the client sends it chunked.</summary>
    private sealed class PaddedJsonStream(int size) : Stream
    {
        private int _position;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => _position; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count)
        {
            int n = Math.Min(count, size - _position);
            for (int i = 0; i < n; i++)
            {
                int at = _position + i;
                buffer[offset + i] = at == 0 ? (byte)'[' : at == size - 1 ? (byte)']' : (byte)' ';
            }

            _position += n;
            return n;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
