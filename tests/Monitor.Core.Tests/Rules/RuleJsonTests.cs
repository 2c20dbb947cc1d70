using System.Text.Json.Nodes;
using Monitor.Core.Market;
using Monitor.Core.Rules;

namespace Monitor.Core.Tests.Rules;

public sealed class RuleJsonTests
{
    private const string ContractExample = """
        {"id":"silver-etf-divergence","name":"Silver up while SLV drains","type":"priceFlowDivergence",
         "severity":"warning","interval":"1d","pendingBars":0,"keepFiringBars":0,
         "params":{"price":"COMEX:SI","flow":"ETF:SLV/holdings","window":"P15D","minPriceChangePct":20,"minFlowChangePct":1.5}}
        """;

    private static string[] Problems(string json) => RuleJson.Parse(json).Problems.Select(p => p.ToString()).ToArray();

    private static string Minimal(string type, string parameters, string extra = "") =>
        $$"""{"id":"r","type":"{{type}}"{{extra}},"params":{{parameters}}}""";

    [Fact]
    public void ContractExample_ParsesAndSerializesToTheSameJson()
    {
        var result = RuleJson.Parse(ContractExample);

        Assert.True(result.IsValid, string.Join("; ", result.Problems));
        var rule = result.Rule!;
        Assert.Equal(RuleType.PriceFlowDivergence, rule.Type);
        var p = Assert.IsType<PriceFlowDivergenceParameters>(rule.Parameters);
        Assert.Equal(RuleInputKind.Series, p.Flow.Kind);
        Assert.Equal(TimeSpan.FromDays(15), p.Window.Duration);
        Assert.Equal(DivergenceDirection.Both, p.Direction);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(ContractExample), JsonNode.Parse(RuleJson.Serialize(rule))), RuleJson.Serialize(rule));
    }

    [Fact]
    public void OmittedFields_TakeTheirDefaults()
    {
        var rule = RuleJson.Parse(Minimal("threshold", """{"input":"COMEX:SI","op":"above","value":30}""")).Rule!;

        Assert.Equal("r", rule.Name);
        Assert.Equal(AlertSeverity.Warning, rule.Severity);
        Assert.Equal(BarInterval.OneDay, rule.Interval);
        Assert.Equal(0, rule.PendingBars);
        Assert.Equal(0, rule.KeepFiringBars);
        Assert.Equal(EvaluationMode.Bar, rule.Evaluate);
        Assert.Equal(InputAgeLimits.None, rule.Ages);
    }

    public static TheoryData<string> RoundTripRules()
    {
        var data = new TheoryData<string>();
        foreach (var rule in DefaultRules.All)
        {
            data.Add(RuleJson.Serialize(rule));
        }

        data.Add(Minimal("inventoryDrawdown", """{"input":"COMEX:SI/registered","window":"20","minPct":4.5,"maxInventoryAge":"P3D"}""", ""","evaluate":"bar","severity":"critical","interval":"1h" """));
        data.Add(Minimal("spread", """{"near":"LME:CA.CASH","far":"LME:CA","op":"above","value":-12.5,"maxInputAge":"PT6H","maxPriceAge":"P2D"}""", ""","evaluate":"tick" """));
        data.Add(Minimal("priceFlowDivergence", """{"price":"COMEX:SI","flow":"ETF:SLV/holdings","window":"P2W","minPriceChangePct":5,"minFlowChangePct":1,"direction":"bullish"}"""));
        data.Add(Minimal("percentMove", """{"input":"COMEX:GC@bb(20,2).percentB","window":"P1DT12H","minPct":50}""", ""","interval":"1h" """));
        data.Add(Minimal("rsiDivergence", """{"input":"COMEX:SI","lookback":30}"""));
        return data;
    }

    [Theory]
    [MemberData(nameof(RoundTripRules))]
    public void Serialize_RoundTripsEveryRule(string json)
    {
        var rule = RuleJson.Parse(json).Rule!;
        string written = RuleJson.Serialize(rule);

        var again = RuleJson.Parse(written);

        Assert.True(again.IsValid, string.Join("; ", again.Problems));
        Assert.Equal(rule, again.Rule);
        Assert.Equal(written, RuleJson.Serialize(again.Rule!));
        Assert.Equal(rule.Fingerprint(), again.Rule!.Fingerprint());
    }

    [Fact]
    public void EveryProblem_IsReportedAtOnceWithItsField()
    {
        string json = """
            {"id":"bad id!","type":"priceFlowDivergence","severity":"urgent","interval":"7x","pendingBars":-1,
             "keepFiringBars":1.5,"evaluate":"sometimes","extra":1,
             "params":{"price":"COMEX:si","flow":"ETF:SLV","window":"P15X","minPriceChangePct":"20","minFlowChangePct":0,"colour":"red"}}
            """;

        string[] problems = Problems(json);

        Assert.Contains("id: 'bad id!' is not a rule id: 1 to 100 of A-Z, a-z, 0-9, '.', '_', '-', starting with a letter or digit", problems);
        Assert.Contains("severity: 'urgent' is not one of info, warning, critical", problems);
        Assert.Contains(problems, p => p.StartsWith("interval: interval '7x' is not valid", StringComparison.Ordinal));
        Assert.Contains("pendingBars: must be a whole number from 0 to 10000, got -1", problems);
        Assert.Contains("keepFiringBars: must be a whole number from 0 to 10000, got 1.5", problems);
        Assert.Contains("evaluate: 'sometimes' is not one of bar, tick", problems);
        Assert.Contains(problems, p => p.StartsWith("extra: is not a field of a rule; its fields are id, name, type", StringComparison.Ordinal));
        Assert.Contains("params.price: instrument id 'COMEX:si' must be upper case ('COMEX:SI')", problems);
        Assert.Contains("params.flow: 'ETF:SLV' is a price; write an inventory series, INSTRUMENT/series, such as ETF:SLV/holdings or COMEX:SI/registered", problems);
        Assert.Contains("params.window: 'P15X' is not an ISO-8601 duration or a bar count (P15D, PT4H, P2W, 20)", problems);
        Assert.Contains("params.minPriceChangePct: must be a number, got the string \"20\"", problems);
        Assert.Contains("params.minFlowChangePct: must be above 0, got 0", problems);
        Assert.Contains(problems, p => p.StartsWith("params.colour: is not a field of a priceFlowDivergence rule's params; its fields are price, flow, window", StringComparison.Ordinal));
        Assert.Equal(13, problems.Length);
    }

    [Theory]
    [InlineData("""{"input":"COMEX:SI","window":"P1M","minPct":5}""", "params.window: 'P1M' uses months, which have no fixed length; write days (P30D)")]
    [InlineData("""{"input":"COMEX:SI","window":"P1Y","minPct":5}""", "params.window: 'P1Y' uses years, which have no fixed length; write days (P365D)")]
    [InlineData("""{"input":"COMEX:SI","window":"PT4H","minPct":5}""", "params.window: PT4H is shorter than one 1d bar, the rule's interval")]
    [InlineData("""{"input":"COMEX:SI","window":"P0D","minPct":5}""", "params.window: 'P0D' is zero; a window must be longer than that")]
    [InlineData("""{"input":"COMEX:SI","window":"200000","minPct":5}""", "params.window: '200000' is not a bar count from 1 to 100000")]
    [InlineData("""{"input":"COMEX:SI","window":"P300000D","minPct":5}""", "params.window: P300000D spans 300000 bars of 1d; at most 100000")]
    [InlineData("""{"input":"COMEX:SI","window":true,"minPct":5}""", "params.window: must be an ISO-8601 duration or a bar count (\"P15D\", \"20\"), got true")]
    [InlineData("""{"input":"COMEX:SI","window":"P5D"}""", "params.minPct: is required")]
    [InlineData("""{"window":"P5D","minPct":5}""", "params.input: is required")]
    [InlineData("""{"input":"","window":"P5D","minPct":5}""", "params.input: is empty; write INSTRUMENT, INSTRUMENT/series, INSTRUMENT/series@LOCATION or INSTRUMENT@indicator (COMEX:SI, ETF:SLV/holdings, COMEX:SI/registered@JP MORGAN CHASE BANK NA, COMEX:SI@rsi(14))")]
    [InlineData("""{"input":"ETF:SLV/holding","window":"P5D","minPct":5}""", "params.input: 'ETF:SLV/holding': unknown series 'holding'; known: registered, eligible, stocks, onWarrant, cancelled, holdings, vault, mmNet, pledged, openInterest, mmLong, mmShort, ncLong, ncShort, ncNet")]
    [InlineData("""{"input":"COMEX:SI@rsi(0)","window":"P5D","minPct":5}""", "params.input: 'COMEX:SI@rsi(0)': 'rsi(0)': period must be a whole number from 1 to 100000, got 0")]
    [InlineData("""{"input":"COMEX:SI@macd(12,26,9).foo","window":"P5D","minPct":5}""", "params.input: 'COMEX:SI@macd(12,26,9).foo': 'macd(12,26,9).foo': macd(12,26,9) has no output 'foo'; its outputs are macd, signal, histogram, fastEma, slowEma")]
    [InlineData("""{"input":"COMEX:SI","window":"P5D","minPct":5,"maxInputAge":"soon"}""", "params.maxInputAge: 'soon' is not an ISO-8601 duration (P5D, PT6H)")]
    [InlineData("""{"input":"COMEX:SI","window":"P5D","minpct":5}""", "params.minpct: is not a field of a percentMove rule's params; did you mean 'minPct'?")]
    public void PercentMoveProblem_NamesTheField(string parameters, string expected)
    {
        Assert.Contains(expected, Problems(Minimal("percentMove", parameters)));
    }

    [Theory]
    [InlineData("threshold", """{"input":"COMEX:SI","op":"CrossesAbove","value":1}""", "", "params.op: 'CrossesAbove' must be written 'crossesAbove'")]
    [InlineData("threshold", """{"input":"COMEX:SI","op":"crossesAbove","value":1}""", ""","pendingBars":2""", "pendingBars: must be 0 for a cross, which holds at the one evaluation where it happens; use keepFiringBars to keep the alert firing")]
    [InlineData("indicatorCross", """{"fast":"COMEX:SI","slow":"COMEX:SI"}""", "", "params.slow: 'COMEX:SI' is the same input as params.fast")]
    [InlineData("indicatorCross", """{"fast":"COMEX:SI/registered","slow":"COMEX:SI"}""", "", "params.fast: 'COMEX:SI/registered' is an inventory series; write a price such as COMEX:SI or an indicator such as COMEX:SI@rsi(14)")]
    [InlineData("inventoryDrawdown", """{"input":"COMEX:SI/registered","window":"P5D"}""", "", "params.minPerDay: give exactly one of minPerDay (outflow per day) and minPct (percent lost over the window)")]
    [InlineData("inventoryDrawdown", """{"input":"COMEX:SI/registered","window":"P5D","minPerDay":1,"minPct":2}""", "", "params.minPerDay: give exactly one of minPerDay (outflow per day) and minPct (percent lost over the window)")]
    [InlineData("inventoryDrawdown", """{"input":"COMEX:SI/registered","window":"P5D","minPct":2,"unit":"t"}""", "", "params.unit: applies to minPerDay only; minPct is a percentage")]
    [InlineData("inventoryDrawdown", """{"input":"COMEX:SI/registered","window":"P5D","minPerDay":2,"unit":"tons"}""", "", "params.unit: 'tons' is not a unit; known: oz, koz, moz, t, kt, kg, lb, st, contracts")]
    [InlineData("inventoryDrawdown", """{"input":"COMEX:SI/registered","window":"P5D","minPerDay":1}""", ""","evaluate":"tick" """, "evaluate: 'tick' needs a price input; indicators and inventory series change only when a bar closes or a value is published")]
    [InlineData("rsiDivergence", """{"input":"COMEX:SI","lookback":10}""", ""","evaluate":"tick" """, "evaluate: 'tick' is not supported by rsiDivergence, which compares closed bars")]
    [InlineData("rsiDivergence", """{"input":"COMEX:SI@rsi(14)","lookback":10}""", "", "params.input: 'COMEX:SI@rsi(14)' is an indicator; write a price such as COMEX:SI")]
    [InlineData("rsiDivergence", """{"input":"COMEX:SI","lookback":1,"period":1}""", "", "params.lookback: must be a whole number from 2 to 1000, got 1")]
    [InlineData("ratioZScore", """{"numerator":"COMEX:GC","denominator":"COMEX:SI","window":"1","z":2}""", "", "params.window: 1 must span at least 2 bars of 1d")]
    [InlineData("spread", """{"near":"LME:CA.CASH","far":"LME:CA","op":"above"}""", "", "params.value: is required")]
    [InlineData("spread", """{"near":"LME:CA.CASH","far":"LME:CA","op":"contango","value":3}""", "", "params.value: does not apply to 'contango', which compares near with far")]
    [InlineData("crossVenueFlow", """{"from":"COMEX:SI/registered","to":"COMEX:SI/registered","window":"P5D","minTransfer":1}""", "", "params.to: 'COMEX:SI/registered' is the same input as params.from")]
    [InlineData("stockToUse", """{"input":"LME:CA/stocks","annualUse":-1,"maxDays":2}""", "", "params.annualUse: must be above 0, got -1")]
    [InlineData("stockToUse", """{"input":"LME:CA/stocks","annualUse":1,"maxDays":2}""", ""","pendingbars":1""", "pendingbars: is not a field of a rule; did you mean 'pendingBars'?")]
    [InlineData("stockToUse", """{"input":"LME:CA/stocks","annualUse":1,"maxDays":2}""", ""","name":"a\u0007b" """, "name: 'a\\u0007b' contains a control character")]
    public void TypeSpecificProblem_NamesTheField(string type, string parameters, string extra, string expected)
    {
        Assert.Contains(expected, Problems(Minimal(type, parameters, extra)));
    }

    [Theory]
    [InlineData("", "(json)")]
    [InlineData("[1,2]", "(root): a rule is a JSON object, got an array")]
    [InlineData("""{"id":"r","params":{}}""", "type: is required")]
    [InlineData("""{"id":"r","type":"threshold"}""", "params: is required")]
    [InlineData("""{"id":"r","type":"threshold","params":[]}""", "params: must be an object, got an array")]
    [InlineData("""{"id":"r","id":"s","type":"threshold","params":{"input":"COMEX:SI","op":"above","value":1}}""", "id: is given more than once")]
    [InlineData("""{"id":"r","type":"momentum","params":{}}""", "type: 'momentum' is not one of threshold, percentMove, indicatorCross, priceFlowDivergence, inventoryDrawdown, crossVenueFlow, ratioZScore, spread, stockToUse, rsiDivergence")]
    public void ShapeProblem_IsReported(string json, string expected)
    {
        Assert.Contains(Problems(json), p => p.StartsWith(expected, StringComparison.Ordinal));
    }

    [Fact]
    public void InputsAndWindows_ParseToCanonicalForms()
    {
        string json = Minimal("percentMove", """{"input":"COMEX:SI@MACD","window":"p1w","minPct":5}""");

        var rule = RuleJson.Parse(json).Rule!;
        var p = (PercentMoveParameters)rule.Parameters;

        Assert.Equal("COMEX:SI@macd(12,26,9).macd", p.Input.ToString());
        Assert.Equal("P1W", p.Window.Text);
        Assert.Equal(RuleWindow.Parse("P7D"), p.Window);
        Assert.Equal("COMEX:SI/onWarrant", RuleInput.Parse("COMEX:SI/onwarrant").ToString());
    }

    [Fact]
    public void SameRuleWrittenDifferently_IsEqual()
    {
        var a = RuleJson.Parse("""{"id":"r","type":"percentMove","params":{"input":"COMEX:SI@rsi","window":"P7D","minPct":5}}""").Rule;
        var b = RuleJson.Parse("""{"params":{"minPct":5.0,"window":"P1W","input":"COMEX:SI@rsi(14)"},"type":"percentMove","name":"r","id":"r","severity":"warning","evaluate":"bar"}""").Rule;

        Assert.Equal(a, b);
    }

    [Fact]
    public void WindowAsAJsonNumber_IsABarCount()
    {
        var p = (PercentMoveParameters)RuleJson.Parse(Minimal("percentMove", """{"input":"COMEX:SI","window":20,"minPct":5}""")).Rule!.Parameters;

        Assert.Equal(20, p.Window.Bars);
        Assert.Equal("20", p.Window.Text);
    }

    [Fact]
    public void List_PrefixesProblemsWithTheIndex_AndRejectsDuplicateIds()
    {
        string json = $"[{Minimal("threshold", """{"input":"COMEX:SI","op":"above","value":1}""")},{{\"id\":\"x\"}},{Minimal("threshold", """{"input":"COMEX:GC","op":"below","value":1}""")}]";

        var result = RuleJson.ParseList(json);

        Assert.Single(result.Rules);
        Assert.Contains(result.Problems, p => p.ToString() == "[1].type: is required");
        Assert.Contains(result.Problems, p => p.ToString() == "[2].id: 'r' is also the id of [0]");
    }

    [Fact]
    public void DefinitionBuiltInCode_IsValidatedByTheSameRules()
    {
        var valid = DefaultRules.All[0];
        var invalid = valid with { Id = "no spaces please", PendingBars = -3 };

        Assert.Empty(valid.Validate());
        Assert.Contains(invalid.Validate(), p => p.Field == "id");
        Assert.Contains(invalid.Validate(), p => p.Field == "pendingBars");
        Assert.Throws<ArgumentException>(() => new RuleEvaluator(invalid));
    }
}
