using Monitor.Core.Market;
using Monitor.Core.Rules;
using static Monitor.Core.Tests.Rules.MarketScript;
using static Monitor.Core.Tests.Rules.RuleRunner;

namespace Monitor.Core.Tests.Rules;

/// <summary>
/// As-of alignment of inputs by event time: what an evaluation at the close of bar i (time Day(i + 1)) sees, however
/// the events of the instruments interleave on the way in.
/// </summary>
public sealed class AlignmentTests
{
    private static readonly RuleDefinition Backwardation =
        Rule("spread", """{"near":"LME:CA.CASH","far":"LME:CA","op":"backwardation"}""");

    [Fact]
    public void OtherInstrumentsCloseAtTheSameInstant_CountWhicheverArrivesFirst()
    {
        var nearFirst = new MarketScript().Closes("LME:CA.CASH", 100, 100, 100).Closes("LME:CA", 101, 99, 99).Events();
        var farFirst = new MarketScript().Closes("LME:CA", 101, 99, 99).Closes("LME:CA.CASH", 100, 100, 100).Events();

        Assert.Equal(["firing@1"], Summary(Run(Backwardation, nearFirst)));
        Assert.Equal(["firing@1"], Summary(Run(Backwardation, farFirst)));
    }

    [Fact]
    public void TicksAfterTheClose_ThatArriveBeforeThePrimarysBarCloses_DoNotLeakIn()
    {
        // The near leg's bar 0 closes only when its next tick comes, at 12:00 on day 1; by then the far leg has
        // traded at 200, after the close at midnight. The evaluation of bar 0 must see the far leg at 90.
        var ticks = new[]
        {
            new Tick(Id("LME:CA.CASH"), Day(0.5), 100, 1),
            new Tick(Id("LME:CA"), Day(0.6), 90, 1),
            new Tick(Id("LME:CA"), Day(1.1), 200, 1),
            new Tick(Id("LME:CA.CASH"), Day(1.5), 100, 1),
            new Tick(Id("LME:CA"), Day(1.6), 210, 1),
            new Tick(Id("LME:CA.CASH"), Day(2.5), 100, 1),
        };

        var transitions = Run(Backwardation, RuleScenarios.FromTicks(ticks, []));

        Assert.Equal(["firing@0", "resolved@1"], Summary(transitions));
        Assert.Equal(90, transitions[0].Alert.Values["far"]);
    }

    [Fact]
    public void PrimaryCloseArrivingLate_SeesTheOtherLegAsOfItsClose()
    {
        // Closes only, no ticks. The far leg reports bar 1 (95) and bar 2 (130) before the near leg's bar 1 arrives:
        // bar 1 must be evaluated against 95, the far leg as of its close, not 130.
        var events = new MarketScript()
            .Add(RuleEvent.Close(Id("LME:CA.CASH"), Flat(Day(0), 100)))
            .Add(RuleEvent.Close(Id("LME:CA"), Flat(Day(0), 105)))
            .Add(RuleEvent.Close(Id("LME:CA"), Flat(Day(1), 95)))
            .Add(RuleEvent.Close(Id("LME:CA"), Flat(Day(2), 130)))
            .Add(RuleEvent.Close(Id("LME:CA.CASH"), Flat(Day(1), 100)) with { Arrival = Day(3.1).UtcTicks })
            .Events();

        var transitions = Run(Backwardation, events);

        Assert.Equal(["firing@1"], Summary(transitions));
        Assert.Equal(95, transitions[0].Alert.Values["far"]);
    }

    [Fact]
    public void ValueThatBelongsBeforeTheClose_ArrivingAfterTheSnapshot_IsPatchedIn()
    {
        // The snapshot as of Day(2) is taken when day 2's figure (published after it) comes in; day 1's figure,
        // published before Day(2) but ingested late, still belongs to bar 1's evaluation.
        var rule = Rule("threshold", """{"input":"COMEX:SI/registered","op":"below","value":100}""");
        var events = new MarketScript()
            .Closes("COMEX:SI", 30)
            .Inventory("COMEX:SI", "registered", 2, Day(2.5), 150, QuantityUnit.TroyOunce)
            .Add(RuleEvent.Published(new InventoryValue(Id("COMEX:SI"), "registered", Date(1), Day(1.9), 50, QuantityUnit.TroyOunce)) with { Arrival = Day(2.6).UtcTicks })
            .Add(RuleEvent.Close(Id("COMEX:SI"), Flat(Day(1), 30)) with { Arrival = Day(2.7).UtcTicks })
            .Events();

        var transitions = Run(rule, events);

        Assert.Equal(["firing@1"], Summary(transitions));
        Assert.Equal(50, transitions[0].Alert.Values["value"]);
    }

    [Fact]
    public void InventoryPublishedExactlyAtTheClose_Counts_OneTickLaterDoesNot()
    {
        var rule = Rule("threshold", """{"input":"COMEX:SI/registered","op":"below","value":100}""");
        RuleEvent[] At(DateTimeOffset published) => new MarketScript()
            .Closes("COMEX:SI", 30, 30, 30)
            .Inventory("COMEX:SI", "registered", 0, Day(0.5), 150, QuantityUnit.TroyOunce)
            .Inventory("COMEX:SI", "registered", 1, published, 50, QuantityUnit.TroyOunce)
            .Events();

        Assert.Equal(["firing@1"], Summary(Run(rule, At(Day(2)))));
        Assert.Equal(["firing@2"], Summary(Run(rule, At(Day(2).AddTicks(1)))));
    }

    [Fact]
    public void InventoryFedBeforeItsPublication_StaysInvisibleUntilThen()
    {
        var rule = Rule("threshold", """{"input":"COMEX:SI/registered","op":"below","value":100}""");
        var script = new MarketScript()
            .Inventory("COMEX:SI", "registered", 0, Day(0.5), 150, QuantityUnit.TroyOunce)
            .Closes("COMEX:SI", 30, 30, 30, 30, 30);
        var events = script.Events().ToList();
        events.Insert(1, RuleEvent.Published(new InventoryValue(Id("COMEX:SI"), "registered", Date(3), Day(3.5), 50, QuantityUnit.TroyOunce)));
        var set = new RuleSet();
        var output = new List<AlertTransition>();
        set.Put(rule, output);

        // Fed ahead of its time, so the driver cannot declare event time up to each arrival: only at the end.
        foreach (var e in events)
        {
            Feed(set, e, output);
        }

        set.AdvanceTo(Day(5), output);

        Assert.Equal(["firing@3"], Summary(output));
    }

    [Fact]
    public void Restatement_LatestPublishedWins_OlderPeriodsDoNotMoveTheLevel()
    {
        var rule = Rule("threshold", """{"input":"COMEX:SI/registered","op":"below","value":100}""");
        var events = new MarketScript()
            .Closes("COMEX:SI", 30, 30, 30, 30, 30)
            .Inventory("COMEX:SI", "registered", 1, Day(1.5), 150, QuantityUnit.TroyOunce)
            .Inventory("COMEX:SI", "registered", 1, Day(2.5), 90, QuantityUnit.TroyOunce)
            .Inventory("COMEX:SI", "registered", 0, Day(3.2), 50, QuantityUnit.TroyOunce)
            .Inventory("COMEX:SI", "registered", 2, Day(3.5), 120, QuantityUnit.TroyOunce)
            .Events();

        // Day 1 is restated from 150 to 90 (fires at bar 2); a late figure for day 0 changes nothing; day 2 at 120 resolves.
        Assert.Equal(["firing@2", "resolved@3"], Summary(Run(rule, events)));
    }

    [Fact]
    public void QuantitiesInOtherMassUnits_AreConverted()
    {
        var rule = Rule("threshold", """{"input":"COMEX:SI/registered","op":"below","value":300000000}""");
        var events = new MarketScript()
            .Closes("COMEX:SI", 30, 30, 30)
            .Inventory("COMEX:SI", "registered", 0, Day(0.5), 320, QuantityUnit.MegaTroyOunce)
            .Inventory("COMEX:SI", "registered", 1, Day(1.5), 9_000, QuantityUnit.Tonne)
            .Events();

        // 9,000 t is 289.4 Moz.
        var alert = Assert.Single(Run(rule, events)).Alert;
        Assert.Equal("COMEX:SI registered 289.4 Moz below 300.0 Moz", alert.Message);
    }

    [Fact]
    public void BarEvaluation_IgnoresASpikeThatVanishesBeforeTheClose_TickEvaluationCatchesIt()
    {
        var ticks = new[]
        {
            new Tick(Id("COMEX:SI"), Day(0.2), 99, 1),
            new Tick(Id("COMEX:SI"), Day(0.4), 101, 1),
            new Tick(Id("COMEX:SI"), Day(0.6), 99, 1),
            new Tick(Id("COMEX:SI"), Day(1.2), 99, 1),
        };
        var events = RuleScenarios.FromTicks(ticks, []);

        Assert.Empty(Run(Rule("threshold", """{"input":"COMEX:SI","op":"above","value":100}"""), events));
        var transitions = Run(Rule("threshold", """{"input":"COMEX:SI","op":"above","value":100}""", evaluate: "tick"), events);
        Assert.Equal(["firing@-0.6", "resolved@-0.4"], Summary(transitions));
        Assert.Equal(Day(0.4), transitions[0].Alert.FiredAt);
    }

    [Fact]
    public void ReplayedAndLateEvents_AreNotEvaluatedTwice()
    {
        var rule = Rule("threshold", """{"input":"COMEX:SI","op":"above","value":100}""");
        var once = new MarketScript().Closes("COMEX:SI", 99, 101, 99).Events();
        var twice = once.Concat(once).ToArray();

        Assert.Equal(Summary(Run(rule, once)), Summary(Run(rule, twice)));
    }

    private static Bar Flat(DateTimeOffset time, double price) => new(time, price, price, price, price, 1);
}
