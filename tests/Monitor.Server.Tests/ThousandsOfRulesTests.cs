using System.Globalization;
using System.Text;

namespace Monitor.Server.Tests;

/// <summary>Five thousand rules created in one request and evaluated at once: exactly those whose condition holds fire. Its own server.</summary>
public sealed class ThousandsOfRulesTests(MonitorServerFactory server) : IClassFixture<MonitorServerFactory>
{
    private const int Instruments = 5;
    private const int RulesPerInstrument = 1000;

    private readonly HttpClient _admin = server.CreateClient(MonitorServerFactory.AdminKey);

    [Fact]
    public async Task FiveThousandRules_CreatedInOneBatch_ExactlyThoseWhoseConditionHoldsFire()
    {
        string instruments = "[" + string.Join(",", Enumerable.Range(0, Instruments).Select(j =>
            $$"""{"id":"MANY:I{{j}}","name":"Many {{j}}","kind":"etf","unit":"USD","intervals":["1m","1d"]}""")) + "]";
        Assert.True((await _admin.PutAsync("/api/v1/instruments", Json(instruments))).IsSuccessStatusCode);

        // Rule i on instrument j fires when the price is above i; three spellings of that condition take turns.
        string Condition(int j, int i) => (i % 3) switch
        {
            0 => $"MANY:I{j} > {i}",
            1 => $"not (MANY:I{j} <= {i})",
            _ => $"MANY:I{j} * 2 - {i} > {i}",
        };
        string rules = "[" + string.Join(",", Enumerable.Range(0, Instruments).SelectMany(j => Enumerable.Range(0, RulesPerInstrument).Select(i =>
            $$$"""{"id":"many-{{{j}}}-{{{i}}}","type":"expression","interval":"1m","evaluate":"tick","params":{"condition":"{{{Condition(j, i)}}}"}}"""))) + "]";
        var created = await (await _admin.PutAsync("/api/v1/rules", Json(rules))).OkJsonAsync();
        Assert.Equal(Instruments * RulesPerInstrument, created["created"]!.GetValue<int>());

        // Instrument j trades at 100.5 + 200 j: rules 0 to 100 + 200 j of it hold.
        double Price(int j) => 100.5 + (200 * j);
        string ticks = "[" + string.Join(",", Enumerable.Range(0, Instruments).Select(j =>
            $$$"""{"instrument":"MANY:I{{{j}}}","ts":"2026-05-05T10:00:00Z","price":{{{Price(j).ToString(CultureInfo.InvariantCulture)}}}}""")) + "]";
        Assert.Equal(Instruments, (await (await _admin.PostJsonAsync("/api/v1/ticks", ticks)).OkJsonAsync())["accepted"]!.GetValue<int>());

        for (int j = 0; j < Instruments; j++)
        {
            var expected = Enumerable.Range(0, RulesPerInstrument).Where(i => i < Price(j)).Select(i => $"many-{j}-{i}").Order(StringComparer.Ordinal).ToList();
            var alerts = await Eventually.GetAsync(
                () => _admin.GetJsonAsync($"/api/v1/alerts?instrument=MANY:I{j}&limit=1000"),
                a => a.AsArray().Count >= expected.Count,
                TimeSpan.FromSeconds(60),
                because: $"the {expected.Count} rules of MANY:I{j} whose condition holds fire");
            var fired = alerts.AsArray().Select(a => a!["ruleId"]!.GetValue<string>()).Order(StringComparer.Ordinal).ToList();
            Assert.Equal(expected, fired);
            Assert.All(alerts.AsArray(), a => Assert.Equal("firing", a!["state"]!.GetValue<string>()));
        }
    }

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");
}
