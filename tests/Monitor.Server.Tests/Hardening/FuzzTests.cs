using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Monitor.Core.Market;
using Monitor.Core.Ports;
using Monitor.Core.Rules;

namespace Monitor.Server.Tests.Hardening;

/// <summary>
/// Random and boundary JSON from a fixed seed against the ingest and rule routes: the service never answers 500, and
/// nothing it stores breaks the rules ingest states. A server of its own, so what is stored is only what this sent.
/// </summary>
public sealed class FuzzTests(MonitorServerFactory server) : IClassFixture<MonitorServerFactory>
{
    private const int Seed = 20261207;
    private static readonly string[] Instruments = ["ETF:URA", "ETF:LIT", "LME:CA"];

    private static readonly string[] Numbers =
    [
        "0", "-0", "1", "-1", "82.57", "1e9", "1000000001", "1e12", "1000000000001", "1e15", "1e16", "1.7e308", "-1.7e308",
        "1e-300", "5e-324", "1e400", "-1e400", "99999999999999999999999", "0.1e1", "-99999999999999", "-62135596800001",
        "253402300799999", "253402300800000", "9007199254740993", "1E2", "3.14159",
    ];

    private static readonly string[] Texts =
    [
        "", " ", "COMEX:SI", "comex:si", "XX:NOPE", "ETF:URA\\u0000", "\\ud800", "\\udfff", "a\\ud800b", "\\ud83d\\ude00",
        "\\u200b", "holdings", "registered", "mmNet", "oz", "moz", "t", "bushel", "2026-01-14", "2026-13-45",
        "2026-01-14T15:30:00Z", "2026-01-14T15:30:00", "9999-12-31T23:59:59Z", "0001-01-01T00:00:00+14:00", "NaN", "Infinity",
        "threshold", "percentMove", "above", "P15D", "PT4H", "1m", "1d", "x'); DROP TABLE rules; --",
    ];

    private readonly Random _random = new(Seed);

    [Fact]
    public async Task RandomAndBoundaryJson_NeverA500AndNothingInvalidStored()
    {
        var ingest = server.CreateClient(MonitorServerFactory.IngestKey);
        var admin = server.CreateClient(MonitorServerFactory.AdminKey);
        var statuses = new Dictionary<string, List<int>>();
        for (int i = 0; i < 1200; i++)
        {
            await SendAsync(ingest, "/api/v1/ticks", Batch(TickItem), statuses);
        }

        for (int i = 0; i < 400; i++)
        {
            await SendAsync(ingest, "/api/v1/inventory", Batch(InventoryItem), statuses);
        }

        for (int i = 0; i < 500; i++)
        {
            await SendAsync(admin, "/api/v1/rules", Body(RuleObject()), statuses);
        }

        Assert.All(statuses, route => Assert.DoesNotContain(500, route.Value));
        Assert.Contains(200, statuses["/api/v1/ticks"]);
        Assert.Contains(400, statuses["/api/v1/ticks"]);
        Assert.Contains(201, statuses["/api/v1/rules"]);
        await AssertStoredIsValidAsync(admin);
    }

    private static async Task SendAsync(HttpClient client, string path, (byte[] Body, string MediaType) request, Dictionary<string, List<int>> statuses)
    {
        var content = new ByteArrayContent(request.Body);
        content.Headers.ContentType = new MediaTypeHeaderValue(request.MediaType);
        var response = await client.PostAsync(path, content);
        int status = (int)response.StatusCode;
        Assert.True(status < 500, $"{path} answered {status} to {Encoding.UTF8.GetString(request.Body)}: {await response.Content.ReadAsStringAsync()}");
        if (!statuses.TryGetValue(path, out var list))
        {
            statuses[path] = list = [];
        }

        list.Add(status);
    }

    private async Task AssertStoredIsValidAsync(HttpClient admin)
    {
        var ticks = server.Services.GetRequiredService<ITickStore>();
        var inventory = server.Services.GetRequiredService<IInventoryStore>();
        var latest = DateTimeOffset.UtcNow.AddMinutes(1);
        int stored = 0;
        foreach (string id in Instruments)
        {
            var instrument = InstrumentId.Parse(id);
            await foreach (var tick in ticks.ReadRangeAsync(instrument, DateTimeOffset.MinValue, DateTimeOffset.MaxValue))
            {
                stored++;
                Assert.InRange(tick.Price, double.Epsilon, MarketLimits.MaxPrice);
                Assert.InRange(tick.Volume, 0, MarketLimits.MaxVolume);
                Assert.InRange(tick.Time, DateTimeOffset.UnixEpoch, latest);
            }

            await foreach (var value in inventory.ReadPublishedAsync(instrument, DateTimeOffset.MinValue, DateTimeOffset.MaxValue))
            {
                Assert.InRange(Math.Abs(value.Value.Quantity), 0, MarketLimits.MaxQuantity);
                Assert.InRange(value.Value.PublishedAt, DateTimeOffset.UnixEpoch, latest);
            }
        }

        Assert.True(stored > 0, "some fuzzed ticks were valid and stored");
        foreach (var rule in (await admin.GetJsonAsync("/api/v1/rules")).AsArray())
        {
            Assert.Empty(RuleJson.Parse(rule!.ToJsonString()).Problems);
        }
    }

    /// <summary>A batch body: mostly a JSON array of items, sometimes NDJSON, a byte order mark, bytes that are not UTF-8 or a cut.</summary>
    private (byte[] Body, string MediaType) Batch(Func<string> item)
    {
        var items = Enumerable.Range(0, _random.Next(0, 6)).Select(_ => item()).ToList();
        bool ndjson = _random.Next(5) == 0;
        string text = ndjson ? string.Join("\n", items) : "[" + string.Join(",", items) + "]";
        return (Mangle(text), ndjson ? "application/x-ndjson" : "application/json");
    }

    private (byte[] Body, string MediaType) Body(string json) => (Mangle(json), "application/json");

    private byte[] Mangle(string text)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(text);
        return _random.Next(12) switch
        {
            0 => [0xEF, 0xBB, 0xBF, .. bytes],
            1 when bytes.Length > 2 => [.. bytes[..(bytes.Length / 2)], 0xC3, 0x28, .. bytes[(bytes.Length / 2)..]],
            2 when bytes.Length > 2 => bytes[..(bytes.Length - 1)],
            _ => bytes,
        };
    }

    private string TickItem() => Item(
        ("instrument", () => Quote(Pick(Instruments))),
        ("ts", () => _random.Next(3) == 0 ? Millis() : Quote(Time())),
        ("price", Number),
        ("volume", Number),
        ("seq", Number));

    private string InventoryItem() => Item(
        ("instrument", () => Quote(Pick(Instruments))),
        ("series", () => Quote(Pick(["holdings", "stocks", "registered", "mmNet", "vault"]))),
        ("asOf", () => Quote(DateTimeOffset.UtcNow.AddDays(-_random.Next(0, 400)).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture))),
        ("publishedAt", () => _random.Next(3) == 0 ? Millis() : Quote(Time())),
        ("quantity", Number),
        ("unit", () => Quote(Pick(["oz", "moz", "t", "kt", "contracts", "lb"]))));

    private string RuleObject()
    {
        string type = Pick(["threshold", "percentMove", "threshold", "nonsense"]);
        string parameters = type == "percentMove"
            ? Item(("input", () => Quote(Pick(Instruments))), ("window", () => Quote(Pick(["P5D", "PT4H", "20", "P0D"]))), ("minPct", Number))
            : Item(("input", () => Quote(Pick(Instruments))), ("op", () => Quote(Pick(["above", "below", "crossesAbove", "sideways"]))), ("value", Number));
        return Item(
            ("id", () => Quote(_random.Next(4) == 0 ? Pick(Texts) : $"fuzz-{_random.Next(40)}")),
            ("name", () => Quote(Pick(Texts))),
            ("type", () => Quote(type)),
            ("severity", () => Quote(Pick(["info", "warning", "critical", "loud"]))),
            ("interval", () => Quote(Pick(["1m", "1h", "1d", "7m"]))),
            ("pendingBars", Number),
            ("params", () => parameters));
    }

    /// <summary>An object of the fields, each usually right, sometimes any value; sometimes a field is left out, given
    /// twice or joined by an unknown one.</summary>
    private string Item(params (string Name, Func<string> Value)[] fields)
    {
        if (_random.Next(25) == 0)
        {
            return AnyValue(depth: 0);
        }

        var parts = new List<string>();
        foreach (var (name, value) in fields)
        {
            int roll = _random.Next(20);
            if (roll == 0)
            {
                continue;
            }

            parts.Add($"\"{name}\":{(roll == 1 ? AnyValue(depth: 1) : value())}");
            if (roll == 2)
            {
                parts.Add($"\"{name}\":{value()}");
            }
        }

        if (_random.Next(15) == 0)
        {
            parts.Add($"\"{Pick(Texts)}\":{AnyValue(depth: 1)}");
        }

        return "{" + string.Join(",", parts.OrderBy(_ => _random.Next(3))) + "}";
    }

    private string AnyValue(int depth) => _random.Next(depth > 2 ? 4 : 6) switch
    {
        0 => Number(),
        1 => Quote(Pick(Texts)),
        2 => Pick(["true", "false", "null"]),
        3 => Millis(),
        4 => "[" + string.Join(",", Enumerable.Range(0, _random.Next(4)).Select(_ => AnyValue(depth + 1))) + "]",
        _ => "{" + string.Join(",", Enumerable.Range(0, _random.Next(4)).Select(_ => $"\"{Pick(Texts)}\":{AnyValue(depth + 1)}")) + "}",
    };

    private string Number() => _random.Next(3) == 0
        ? (_random.NextDouble() * 200).ToString("R", CultureInfo.InvariantCulture)
        : Pick(Numbers);

    private string Time()
    {
        var now = DateTimeOffset.UtcNow;
        return _random.Next(6) switch
        {
            0 => Pick(Texts),
            1 => now.AddSeconds(_random.Next(30, 100_000)).ToString("O", CultureInfo.InvariantCulture),
            _ => now.AddSeconds(-_random.Next(0, 86_400)).ToString("O", CultureInfo.InvariantCulture),
        };
    }

    private string Millis() => _random.Next(3) == 0
        ? Pick(Numbers)
        : DateTimeOffset.UtcNow.AddSeconds(-_random.Next(-120, 86_400)).ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture);

    private static string Quote(string text) => "\"" + text.Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";

    private T Pick<T>(IReadOnlyList<T> choices) => choices[_random.Next(choices.Count)];
}
