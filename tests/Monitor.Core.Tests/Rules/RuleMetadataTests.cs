using System.Text;
using System.Text.Json;
using Monitor.Core.Market;
using Monitor.Core.Rules;
using static Monitor.Core.Tests.Rules.MarketScript;
using static Monitor.Core.Tests.Rules.RuleRunner;

namespace Monitor.Core.Tests.Rules;

/// <summary>Labels, pausing (<c>enabled</c>), expiry (<c>until</c>), the rule version and the inputs an alert carries.</summary>
public sealed class RuleMetadataTests
{
    /// <summary>With minPct 10 over 5 days: firing at bar 5, resolved at bar 10, firing again at bar 17.</summary>
    private static readonly double[] Prices = [100, 100, 100, 100, 100, 112, 112, 112, 112, 112, 112, 112, 112, 112, 112, 112, 112, 130];

    private static RuleEvent[] Events() => new MarketScript().Closes("COMEX:SI", Prices).Events();

    private static RuleDefinition Move(string extra = "")
    {
        var result = RuleJson.Parse("""{"id":"si-move","type":"percentMove","interval":"1d" """ + extra
            + ""","params":{"input":"COMEX:SI","window":"P5D","minPct":10}}""");
        Assert.True(result.IsValid, string.Join("; ", result.Problems));
        return result.Rule!;
    }

    private static IReadOnlyList<RuleProblem> Problems(string extra) =>
        RuleJson.Parse("""{"id":"r","type":"threshold" """ + extra + ""","params":{"input":"COMEX:SI","op":"above","value":1}}""").Problems;

    [Fact]
    public void Labels_RoundTripInKeyOrderAndTheAlertsCarryThem()
    {
        var rule = Move(""","labels":{"desk":"precious","région":"Zürich","トレーダー":"田中"}""");

        string json = RuleJson.Serialize(rule);
        var transitions = Run(rule, Events());

        Assert.Contains("\"labels\":{\"desk\":\"precious\"", json, StringComparison.Ordinal);
        Assert.Equal(rule, RuleJson.Parse(json).Rule);
        Assert.Equal("Zürich", transitions[0].Alert.Labels["région"]);
        Assert.Equal("田中", transitions[0].Alert.Labels["トレーダー"]);
    }

    [Fact]
    public void LabelsTypedInTwoUnicodeForms_AreTwoLabelsComparedExactly()
    {
        // "é" precomposed (U+00E9) and as e + combining acute (U+0301): compared as written, as Alertmanager does.
        var composed = Move(""","labels":{"r\u00e9gion":"caf\u00e9"}""");
        var decomposed = Move(""","labels":{"re\u0301gion":"cafe\u0301"}""");

        Assert.NotEqual(composed, decomposed);
        Assert.True(composed.Labels.MatchesAll([KeyValuePair.Create("r\u00e9gion", "caf\u00e9")]));
        Assert.False(composed.Labels.MatchesAll([KeyValuePair.Create("re\u0301gion", "cafe\u0301")]));
        Assert.Equal(decomposed, RuleJson.Parse(RuleJson.Serialize(decomposed)).Rule);
    }

    [Fact]
    public void RuleWithoutTheNewFields_KeepsItsJsonAndFingerprint()
    {
        const string Old = """{"id":"si-move","name":"si-move","type":"percentMove","severity":"warning","interval":"1d","pendingBars":0,"keepFiringBars":0,"params":{"input":"COMEX:SI","window":"P5D","minPct":10}}""";

        Assert.Equal(Old, RuleJson.Serialize(Move()));
        Assert.Equal(Old, RuleJson.Serialize(Move(""","labels":{},"enabled":true,"until":null""")));
    }

    [Theory]
    [InlineData(""","labels":["desk"]""", "labels", "must be an object of string values")]
    [InlineData(""","labels":{"desk":1}""", "labels.desk", "must be a string")]
    [InlineData(""","labels":{"desk":""}""", "labels.desk", "1 to 256 characters")]
    [InlineData(""","labels":{"desk":"   "}""", "labels.desk", "not blank")]
    [InlineData(""","labels":{"desk":"a\u0000b"}""", "labels.desk", "U+0000")]
    [InlineData(""","labels":{"desk":"a\u202Eb"}""", "labels.desk", "U+202E")]
    [InlineData(""","labels":{"desk":"\ud800"}""", "labels.desk", "lone surrogate")]
    [InlineData(""","labels":{"\udc00":"x"}""", "labels.?", "lone surrogate")]
    [InlineData(""","labels":{"1desk":"x"}""", "labels.1desk", "starting with a letter or '_'")]
    [InlineData(""","labels":{"de sk":"x"}""", "labels.de sk", "' ' is not allowed")]
    [InlineData(""","labels":{"severity":"x"}""", "labels.severity", "reserved")]
    [InlineData(""","labels":{"desk":"a","desk":"b"}""", "labels.desk", "more than once")]
    [InlineData(""","enabled":"no" """, "enabled", "must be true or false")]
    [InlineData(""","until":"2026-06-30" """, "until", "not an ISO-8601 time with an offset")]
    [InlineData(""","until":"tomorrow" """, "until", "not an ISO-8601 time with an offset")]
    public void BadLabelsEnabledOrUntil_AreRefusedNamingTheField(string extra, string field, string message)
    {
        var problem = Assert.Single(Problems(extra));

        Assert.Equal(field, problem.Field);
        Assert.Contains(message, problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void LabelLimits_AreEnforcedAtTheirBounds()
    {
        static string Labels(int count, int keyLength, int valueLength) =>
            ",\"labels\":{" + string.Join(",", Enumerable.Range(0, count).Select(i =>
                $"\"{("k" + i).PadRight(keyLength, 'x')}\":\"{new string('é', valueLength)}\"")) + "}";

        Assert.Empty(Problems(Labels(RuleLabels.MaxCount, RuleLabels.MaxKeyLength, RuleLabels.MaxValueLength)));
        Assert.Contains("at most 32", Assert.Single(Problems(Labels(RuleLabels.MaxCount + 1, 4, 4))).Message, StringComparison.Ordinal);
        Assert.Contains("1 to 64", Assert.Single(Problems(Labels(1, RuleLabels.MaxKeyLength + 1, 4))).Message, StringComparison.Ordinal);
        Assert.Contains("1 to 256", Assert.Single(Problems(Labels(1, 4, RuleLabels.MaxValueLength + 1))).Message, StringComparison.Ordinal);

        // Lengths count what a person sees: an emoji made of several code points is one character.
        string family = "👨‍👩‍👧";
        Assert.Empty(Problems($$""","labels":{"team":"{{string.Concat(Enumerable.Repeat(family, RuleLabels.MaxValueLength))}}"}"""));
    }

    [Fact]
    public void PausedRule_RaisesNothingAndSaysSo()
    {
        var rule = Move(""","enabled":false""");

        var transitions = Run(rule, Events(), out var set);
        var status = set.Find(rule.Id)!.Status;

        Assert.Empty(transitions);
        Assert.Equal(RuleOutcome.Paused, status.Outcome);
        Assert.Equal(Day(Prices.Length), status.At);
        Assert.Contains("paused", status.Describe(), StringComparison.Ordinal);
        Assert.Contains("\"enabled\":false", RuleJson.Serialize(rule), StringComparison.Ordinal);
    }

    [Fact]
    public void PausingAFiringRule_ResolvesItsAlertAtTheLastEvaluationAndResumingStartsAfresh()
    {
        var events = Events();
        var set = new RuleSet();
        var output = new List<AlertTransition>();
        set.Put(Move(), output);
        for (int i = 0; i < 7; i++)
        {
            Feed(set, events, i, output);
        }

        set.Put(Move(""","enabled":false"""), output);
        for (int i = 7; i < 12; i++)
        {
            Feed(set, events, i, output);
        }

        set.Put(Move(), output);
        for (int i = 12; i < events.Length; i++)
        {
            Feed(set, events, i, output);
        }

        // Fired at bar 5; paused after bar 6 closed (resolved then); resumed with empty windows after bar 11; bar 17 fires anew.
        Assert.Equal(["firing@5", "resolved@6", "firing@17"], Summary(output));
        Assert.Equal(output[0].Alert.Id, output[1].Alert.Id);
        Assert.NotEqual(output[0].Alert.Id, output[2].Alert.Id);
    }

    [Fact]
    public void ExpiringRule_ResolvesItsAlertAtUntilAndRaisesNothingAfter()
    {
        var until = Day(8.5);
        var rule = Move($$""","until":"{{until:yyyy-MM-ddTHH:mm:ssZ}}" """);

        var transitions = Run(rule, Events(), out var set);
        var status = set.Find(rule.Id)!.Status;

        Assert.Equal(["firing@5", "resolved@7.5"], Summary(transitions));
        Assert.Equal(until, transitions[1].Alert.ResolvedAt);
        Assert.Equal(RuleOutcome.Expired, status.Outcome);
        Assert.Contains("expired at 2025-01-14T12:00:00Z", status.Describe(), StringComparison.Ordinal);
    }

    [Fact]
    public void PausedAndExpiringRules_GiveTheSameAlertsAcrossRestarts()
    {
        foreach (var rule in new[] { Move(""","enabled":false"""), Move(""","until":"2025-01-14T12:00:00Z" """) })
        {
            var events = Events();
            var straight = Run(rule, events).Select(Describe);
            var restarted = RunWithRestarts(rule, events, every: 3, out _).Select(Describe);

            Assert.Equal(straight, restarted);
        }
    }

    [Fact]
    public void Alert_RecordsTheVersionThatStartedItEvenWhenALaterVersionResolvesIt()
    {
        var events = Events();
        var set = new RuleSet();
        var output = new List<AlertTransition>();
        set.Put(Move() with { Version = 3 }, output);
        for (int i = 0; i < 7; i++)
        {
            Feed(set, events, i, output);
        }

        set.Put(Move(""","labels":{"desk":"precious"}""") with { Version = 4 }, output);
        for (int i = 7; i < events.Length; i++)
        {
            Feed(set, events, i, output);
        }

        Assert.Equal(["firing@5", "resolved@12", "firing@17"], Summary(output));
        Assert.Equal([3, 3, 4], output.Select(t => t.Alert.RuleVersion));
        Assert.Equal("precious", output[1].Alert.Labels["desk"]);
    }

    [Fact]
    public void Alert_ShowsThePriceItReadAndTheTimeOfThatBar()
    {
        var transitions = Run(Move(), Events());

        // Fired at the close of bar 5 (open Day(5), closing Day(6)), on that bar's close.
        var input = Assert.Single(transitions[0].Alert.Inputs);
        Assert.Equal(new AlertInput("COMEX:SI", 112, null, Day(5)), input);

        // A resolved alert keeps what made it fire.
        Assert.Equal(transitions[0].Alert.Inputs, transitions[1].Alert.Inputs);
    }

    [Fact]
    public void TickRuleInput_NamesTheBarOfTheTickItRead()
    {
        var rule = Rule("threshold", """{"input":"COMEX:SI","op":"above","value":100}""", evaluate: "tick");
        var events = new MarketScript().Tick("COMEX:SI", Day(0.5), 99).Tick("COMEX:SI", Day(1.25), 101).Events();

        var input = Assert.Single(Run(rule, events)[0].Alert.Inputs);

        Assert.Equal(new AlertInput("COMEX:SI", 101, null, Day(1)), input);
    }

    [Fact]
    public void Alert_ShowsTheInventoryItReadWithItsAsOfAndPublication()
    {
        var rule = Rule("stockToUse", """{"input":"LME:CA/stocks","annualUse":365000,"maxDays":3}""");
        var events = new MarketScript()
            .Closes("LME:CA", 9000, 9000, 9000, 9000)
            .Series("LME:CA", "stocks", 0, QuantityUnit.Tonne, 5000, 4000, 2500, 2000)
            .Events();

        var transitions = Run(rule, events);

        Assert.Equal(["firing@2"], Summary(transitions));
        var inputs = transitions[0].Alert.Inputs;
        var stocks = Assert.Single(inputs, i => i.Series == "LME:CA/stocks");
        Assert.Equal(new AlertInput("LME:CA/stocks", 2500, "t", Day(2 + (23.0 / 24)), Date(2), Day(2 + (23.0 / 24))), stocks);
    }

    [Fact]
    public void AlertJson_WritesAndReadsVersionLabelsAndInputs()
    {
        var rule = Rule("stockToUse", """{"input":"LME:CA/stocks","annualUse":365000,"maxDays":3}""") with
        {
            Labels = RuleLabels.From([KeyValuePair.Create("desk", "métaux de base")]),
            Version = 7,
        };
        var events = new MarketScript().Closes("LME:CA", 9000, 9000, 9000)
            .Series("LME:CA", "stocks", 0, QuantityUnit.Tonne, 2000, 2000, 2000).Events();
        var alert = Run(rule, events)[0].Alert;

        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            AlertJson.Write(writer, alert);
        }

        string json = Encoding.UTF8.GetString(stream.ToArray());
        var read = AlertJson.Read(JsonDocument.Parse(json).RootElement);

        Assert.Contains("\"ruleVersion\":7", json, StringComparison.Ordinal);
        Assert.Contains("\"asOf\":\"2025-01-06\"", json, StringComparison.Ordinal);
        Assert.Equal(7, read.RuleVersion);
        Assert.Equal(alert.Labels, read.Labels);
        Assert.Equal(alert.Inputs, read.Inputs);
    }

    [Fact]
    public void OpenAlertInputs_SurviveARestart()
    {
        var rule = Move() with { Version = 2 };
        var events = Events();

        var straight = Run(rule, events);
        var restarted = RunWithRestarts(rule, events, every: 2, out int midEpisode);

        Assert.True(midEpisode > 0);
        Assert.Equal(straight.Select(t => t.Alert.Inputs), restarted.Select(t => t.Alert.Inputs));
        Assert.All(restarted, t => Assert.Equal(2, t.Alert.RuleVersion));
    }
}
