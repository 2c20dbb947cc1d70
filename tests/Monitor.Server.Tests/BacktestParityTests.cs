using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.Data.Sqlite;
using Monitor.Core.Market;
using Monitor.Core.Simulation;
using Monitor.Testing;

namespace Monitor.Server.Tests;

/// <summary>
/// A backtest over what the live service stored gives, field for field, the alerts the live
/// service raised. Five hours of simulated market (ticks of seven instruments and their inventory reports) go through
/// a real server process, which is killed with -9 halfway and restarted; then a backtest of the same stored rules runs
/// over its store. Every rule type is in the set, in instrument grains and in rule grains, on bar closes and on ticks;
/// expression rules too, with window functions, crosses, bar fields and a message template; rules over a derived series
/// (alone, and with another instrument in a rule grain), and a forEach rule with an episode per matching ETF.
/// </summary>
public sealed class BacktestParityTests : IDisposable
{
    private static readonly DateTimeOffset Start = DateTimeOffset.Parse("2026-03-02T09:00:00Z", CultureInfo.InvariantCulture);

    /// <summary>Enough one-minute bars for MACD(12,26,9) to converge and fire, at five ticks a second over all seven instruments.</summary>
    private static readonly TimeSpan Length = TimeSpan.FromHours(5);

    /// <summary>Event time per ingest request: bars close inside and across requests.</summary>
    private static readonly TimeSpan Step = TimeSpan.FromSeconds(10);

    /// <summary>Reports are dated a day apart from here, so that a series' thousand-odd reports end before the run.</summary>
    private static readonly DateOnly FirstReport = new(2022, 1, 3);

    private static readonly string[] Instruments = ["COMEX:SI", "COMEX:GC", "COMEX:HG", "ETF:SLV", "ETF:GLD", "LME:CA", "LME:CA.CASH"];

    /// <summary>
    /// Thresholds tuned so that each rule fires on this data (the test checks that it does). Rules over one instrument run
    /// in its instrument grain, the rest (divergences, spreads, the ratio) in rule grains.
    /// </summary>
    private const string Rules = """
        [
          {"id":"si-rsi-high","type":"threshold","severity":"info","interval":"1m","params":{"input":"COMEX:SI@rsi(14)","op":"above","value":70}},
          {"id":"gc-macd-cross","type":"indicatorCross","interval":"1m","params":{"fast":"COMEX:GC@macd(12,26,9).macd","slow":"COMEX:GC@macd(12,26,9).signal","direction":"both"}},
          {"id":"gc-ema-cross","type":"indicatorCross","interval":"1m","keepFiringBars":1,"params":{"fast":"COMEX:GC@ema(5)","slow":"COMEX:GC@ema(20)","direction":"both"}},
          {"id":"si-slv-divergence","type":"priceFlowDivergence","severity":"warning","interval":"1m","keepFiringBars":2,
           "params":{"price":"COMEX:SI","flow":"ETF:SLV/holdings","window":"PT5M","minPriceChangePct":3,"minFlowChangePct":1.5}},
          {"id":"gc-gld-divergence","type":"priceFlowDivergence","severity":"warning","interval":"1m","pendingBars":1,
           "params":{"price":"COMEX:GC","flow":"ETF:GLD/holdings","window":"PT5M","minPriceChangePct":2,"minFlowChangePct":1}},
          {"id":"si-comex-to-vaults","type":"crossVenueFlow","severity":"warning","interval":"1m","keepFiringBars":2,
           "params":{"from":"COMEX:SI/registered","to":"COMEX:SI/vault","window":"PT5M","minTransfer":5,"unit":"moz"}},
          {"id":"ca-stock-to-use","type":"stockToUse","severity":"critical","interval":"1m","keepFiringBars":1,
           "params":{"input":"LME:CA/stocks","annualUse":27000000,"maxDays":2,"unit":"t"}},
          {"id":"ca-backwardation","type":"spread","severity":"warning","interval":"1m","pendingBars":1,"keepFiringBars":1,
           "params":{"near":"LME:CA.CASH","far":"LME:CA","op":"backwardation"}},
          {"id":"si-move","type":"percentMove","interval":"1m","params":{"input":"COMEX:SI","window":"PT5M","minPct":1}},
          {"id":"gld-hourly-move","type":"percentMove","interval":"1h","params":{"input":"ETF:GLD","window":"2","minPct":0.3}},
          {"id":"slv-drawdown","type":"inventoryDrawdown","interval":"1m","params":{"input":"ETF:SLV/holdings","window":"PT5M","minPct":1}},
          {"id":"gold-silver-z","type":"ratioZScore","interval":"1m","params":{"numerator":"COMEX:GC","denominator":"COMEX:SI","window":"20","z":2}},
          {"id":"hg-rsi-divergence","type":"rsiDivergence","interval":"1m","params":{"input":"COMEX:HG","period":14,"lookback":30}},
          {"id":"si-tick-cross","type":"threshold","interval":"1m","evaluate":"tick","params":{"input":"COMEX:SI","op":"crossesAbove","value":40}},
          {"id":"ca-tick-spread","type":"spread","interval":"1m","evaluate":"tick","params":{"near":"LME:CA.CASH","far":"LME:CA","op":"above","value":20}},
          {"id":"si-slv-expression","type":"expression","interval":"1m","keepFiringBars":2,
           "params":{"condition":"pctChange(COMEX:SI, PT5M) >= 3 and pctChange(ETF:SLV/holdings, PT5M) <= -1.5 or perDay(ETF:SLV/holdings, PT5M) < -1 moz"}},
          {"id":"gc-expression","type":"expression","interval":"1m",
           "params":{"condition":"crossesAbove(COMEX:GC@ema(5), COMEX:GC@ema(20)) or zscore(COMEX:GC / COMEX:SI, 20) >= 2 or max(COMEX:GC, 10) - min(COMEX:GC, 10) > 3 * stddev(COMEX:GC, 30)",
                     "message":"GC/SI z {zscore(COMEX:GC / COMEX:SI, 20)}"}},
          {"id":"hg-tick-expression","type":"expression","interval":"1m","evaluate":"tick",
           "params":{"condition":"crossesBelow(COMEX:HG, mean(COMEX:HG, 5)) and high(COMEX:HG) - low(COMEX:HG) > 0"}},
          {"id":"gsr-expression","type":"expression","interval":"1m","params":{"condition":"zscore(X:GSR, 20) >= 2 or crossesBelow(X:GSR@ema(5), X:GSR@ema(20))"}},
          {"id":"gsr-hg-expression","type":"expression","interval":"1m","keepFiringBars":1,
           "params":{"condition":"pctChange(X:GSR, PT5M) >= 1 and pctChange(COMEX:HG, PT5M) < 0"}},
          {"id":"etf-each-move","type":"expression","interval":"1m","forEach":["ETF:*"],
           "params":{"condition":"abs(pctChange($, PT5M)) >= 1 or pctChange($/holdings, PT5M) <= -1.5"}}
        ]
        """;

    /// <summary>The gold/silver ratio, computed live as its inputs tick and in the backtest from their stored ticks.</summary>
    private const string Series = """{"id":"X:GSR","name":"Gold/silver ratio","expression":"COMEX:GC / COMEX:SI","unit":"ratio","intervals":["1m"]}""";

    /// <summary>
    /// A rule over several instruments waits this long for an instrument whose ticks lag (the default is 2 s): parity
    /// needs every instrument's ticks to reach the rule grain before it gives up waiting, and a machine busy with other
    /// tests can hold a grain's feed back for seconds. The last ticks are evaluated after this wait.
    /// </summary>
    private static readonly string[] Settings = ["--Monitor:Rules:InputIdleAfter=00:00:10"];

    private readonly string _directory = Directory.CreateTempSubdirectory("monitor-parity-").FullName;

    [Fact]
    public async Task LiveRunKilledHalfwayAndBacktestOfItsStore_RaiseTheSameAlertsFieldForField()
    {
        var steps = Simulate();
        int half = steps.Count / 2;
        await using (var server = await ServerProcess.StartAsync(_directory, Settings))
        {
            var admin = server.CreateClient(TestApiKeys.Admin);
            await (await admin.PostJsonAsync("/api/v1/series", Series)).OkJsonAsync();
            foreach (var rule in JsonNode.Parse(Rules)!.AsArray())
            {
                await (await admin.PostJsonAsync("/api/v1/rules", rule!.ToJsonString())).OkJsonAsync();
            }

            await PostAsync(server.CreateClient(TestApiKeys.Ingest), steps.Take(half));
            await server.KillAsync();
        }

        await using var restarted = await ServerProcess.StartAsync(_directory, Settings);
        await PostAsync(restarted.CreateClient(TestApiKeys.Ingest), steps.Skip(half));
        var ruleIds = JsonNode.Parse(Rules)!.AsArray().Select(r => r!["id"]!.GetValue<string>());
        var expected = await AlertParity.BacktestAlertsAsync(restarted.CreateClient(TestApiKeys.Admin), ruleIds);

        foreach (var type in JsonNode.Parse(Rules)!.AsArray().Select(r => r!["type"]!.GetValue<string>()).Distinct())
        {
            Assert.True(expected.Any(a => a["type"]!.GetValue<string>() == type && a["firedAt"] is not null), $"no {type} rule fired: the scenario does not test it");
        }

        foreach (string rule in new[] { "gsr-expression", "gsr-hg-expression" })
        {
            Assert.True(expected.Any(a => a["ruleId"]!.GetValue<string>() == rule && a["firedAt"] is not null), $"{rule} over the derived series did not fire");
        }

        var eachFired = expected.Where(a => a["ruleId"]!.GetValue<string>() == "etf-each-move" && a["firedAt"] is not null)
            .Select(a => a["instruments"]![0]!.GetValue<string>()).Distinct().Order();
        Assert.Equal(["ETF:GLD", "ETF:SLV"], eachFired);

        // Rule grains evaluate the last ticks once their inputs have been quiet for InputIdleAfter: wait for that.
        var read = restarted.CreateClient(TestApiKeys.Read);
        await Eventually.GetAsync(
            async () => AlertParity.Differences(expected, await AlertParity.LiveAlertsAsync(read, "limit=1000")),
            d => d.Count == 0,
            TimeSpan.FromSeconds(90),
            $"the live alerts to equal the backtest's {expected.Count}");
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    /// <summary>
    /// The simulated market in steps of event time: each step's inventory reports and ticks. The simulator dates every
    /// report of a day with that day; here the n-th report of a series is dated n days after FirstReport (each publication stands for a
    /// business day), so rules that measure per day see days pass.
    /// </summary>
    private static List<(JsonObject[] Inventory, JsonObject[] Ticks)> Simulate()
    {
        var simulator = new MarketSimulator(new SimulatorOptions { TicksPerSecond = 5, Instruments = Instruments }, seed: 7);
        var reports = new Dictionary<string, int>(StringComparer.Ordinal);
        var steps = new List<(JsonObject[], JsonObject[])>();
        var ticks = new List<Tick>();
        var inventory = new List<InventoryValue>();
        for (var time = Start; time <= Start + Length; time += Step)
        {
            ticks.Clear();
            inventory.Clear();
            simulator.Advance(time, ticks, inventory);
            // The totals: the rules here read no location (the simulator's split adds nothing to what they see).
            var values = inventory.Where(v => v.Location is null).Select(v =>
            {
                string key = $"{v.Instrument}/{v.Series}";
                int report = reports[key] = reports.GetValueOrDefault(key) + 1;
                return new JsonObject
                {
                    ["instrument"] = v.Instrument.Value,
                    ["series"] = v.Series,
                    ["asOf"] = FirstReport.AddDays(report).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                    ["publishedAt"] = v.PublishedAt.ToString("O", CultureInfo.InvariantCulture),
                    ["quantity"] = v.Quantity,
                    ["unit"] = v.Unit.Symbol(),
                };
            });
            steps.Add(([.. values], [.. ticks.Select(t => new JsonObject
            {
                ["instrument"] = t.Instrument.Value,
                ["ts"] = t.Time.ToString("O", CultureInfo.InvariantCulture),
                ["price"] = t.Price,
                ["volume"] = t.Volume,
                ["seq"] = t.Seq,
            })]));
        }

        return steps;
    }

    /// <summary>
    /// Posts each step's reports, then its ticks, in order (a report published inside the step waits in the rules until
    /// event time reaches its publishedAt, as in the canonical order).
    /// </summary>
    private static async Task PostAsync(HttpClient ingest, IEnumerable<(JsonObject[] Inventory, JsonObject[] Ticks)> steps)
    {
        foreach (var (inventory, ticks) in steps)
        {
            if (inventory.Length > 0)
            {
                var stored = await (await ingest.PostJsonAsync("/api/v1/inventory", new JsonArray([.. inventory]).ToJsonString())).OkJsonAsync();
                Assert.Equal(inventory.Length, stored["accepted"]!.GetValue<int>());
            }

            var accepted = await (await ingest.PostJsonAsync("/api/v1/ticks", new JsonArray([.. ticks]).ToJsonString())).OkJsonAsync();
            Assert.Equal(ticks.Length, accepted["accepted"]!.GetValue<int>());
        }
    }
}
