using Monitor.Core.Backtesting;
using Monitor.Core.Market;
using Monitor.Core.Rules;
using Monitor.Core.Tests.Backtesting;
using static Monitor.Core.Tests.Rules.MarketScript;

namespace Monitor.Core.Tests.Rules;

/// <summary>forEach: one expression rule over many instruments, <c>$</c> standing for each, one episode (and alert id) per instrument.</summary>
public sealed class ForEachRuleTests
{
    private static RuleParseResult Parse(string forEach, string condition, string type = "expression") => RuleJson.Parse($$$"""
        {"id":"etf-rsi","name":"ETF RSI","type":"{{{type}}}","interval":"1m","evaluate":"tick","forEach":{{{forEach}}},
         "params":{"condition":"{{{condition}}}"}}
        """);

    [Fact]
    public void ForEachRule_ParsesAndWritesBackAsItCame()
    {
        var parsed = Parse("""["ETF:*","COMEX:SI"]""", "$ > 20 and $@rsi(14) > 70 and pctChange($/holdings, P5D) < -2");
        Assert.Empty(parsed.Problems);
        var rule = parsed.Rule!;

        Assert.Equal(["ETF:*", "COMEX:SI"], rule.ForEach!.Patterns);
        Assert.Contains("\"forEach\":[\"ETF:*\",\"COMEX:SI\"]", RuleJson.Serialize(rule), StringComparison.Ordinal);
        Assert.Equal(rule, RuleJson.Parse(RuleJson.Serialize(rule)).Rule);
    }

    [Theory]
    [InlineData("""["ETF:*"]""", "COMEX:SI > 30", "expression", "params.condition: a forEach rule names each instrument as '$' in its condition")]
    [InlineData("""["ETF:*"]""", "$ / COMEX:SI > 3", "expression", "params.condition: a forEach condition reads only '$' (its price, bars, indicators and series); it also reads COMEX:SI")]
    [InlineData("""["etf:*"]""", "$ > 3", "expression", "forEach: 'etf:*' is not an instrument id or a pattern such as ETF:*")]
    [InlineData("""[]""", "$ > 3", "expression", "forEach: lists 1 to 100 instruments or patterns")]
    [InlineData("\"ETF:*\"", "$ > 3", "expression", "forEach: must be an array of instrument ids or patterns")]
    [InlineData("""["ETF:*"]""", "$ > 3", "threshold", "forEach: applies to expression rules")]
    public void BadForEach_IsRefusedWithTheReason(string forEach, string condition, string type, string expected)
    {
        var problems = Parse(forEach, condition, type).Problems;

        Assert.Contains(problems, p => p.ToString().StartsWith(expected, StringComparison.Ordinal));
    }

    [Fact]
    public void DollarWithoutForEach_IsStillRefused()
    {
        var problems = RuleJson.Parse("""{"id":"x","type":"expression","params":{"condition":"$ > 3"}}""").Problems;

        Assert.Contains(problems, p => p.Message.Contains("'$' stands for each instrument of forEach, and this rule has no forEach", StringComparison.Ordinal));
    }

    [Fact]
    public void Expand_RunsOneMemberPerMatchingInstrument_EachKeyedByIt()
    {
        var rule = Parse("""["ETF:S*","NYMEX:PA"]""", "$ > 100").Rule!;
        var catalog = InstrumentCatalog.BuiltIn().All.Select(d => d.Id);

        var members = ForEachRules.Expand([rule], catalog).ToList();

        Assert.Equal(["ETF:SIL", "ETF:SLV", "ETF:SMH", "NYMEX:PA"], members.Select(m => m.Member!.Value.Value));
        Assert.Equal(["etf-rsi|ETF:SIL", "etf-rsi|ETF:SLV", "etf-rsi|ETF:SMH", "etf-rsi|NYMEX:PA"], members.Select(m => m.Key));
        Assert.All(members, m => Assert.Equal([m.Member!.Value.Value], m.Instruments()));
        Assert.All(members, m => Assert.Equal("etf-rsi", m.Id));
    }

    [Fact]
    public async Task Backtest_RaisesOneAlertPerInstrument_WithItsOwnId()
    {
        var rule = Parse("""["ETF:*"]""", "$ > 100").Rule!;
        var slv = Id("ETF:SLV");
        var gld = Id("ETF:GLD");
        var t = Day(0).AddHours(10);
        var source = new MemorySource().Add(
            new Tick(slv, t, 90, 1), new Tick(gld, t, 95, 1),
            new Tick(slv, t.AddMinutes(1), 101, 1), new Tick(gld, t.AddMinutes(3), 102, 1), new Tick(slv, t.AddMinutes(5), 99, 1));
        var members = ForEachRules.Expand([rule], [gld, slv, Id("ETF:GDX")]).ToList();

        var report = await new BacktestEngine(members, _ => [BarInterval.OneMinute]).RunAsync(source, null, null);

        var alerts = report.Alerts.OrderBy(a => a.StartedAt).ToList();
        Assert.Equal(2, alerts.Count);
        Assert.Equal([["ETF:SLV"], ["ETF:GLD"]], alerts.Select(a => a.Instruments.ToArray()));
        Assert.All(alerts, a => Assert.Equal("etf-rsi", a.RuleId));
        Assert.NotEqual(alerts[0].Id, alerts[1].Id);
        Assert.Equal([AlertState.Resolved, AlertState.Firing], alerts.Select(a => a.State));
    }
}
