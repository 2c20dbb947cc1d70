using Monitor.Core.Market;
using Monitor.Core.Rules;
using static Monitor.Core.Tests.Rules.RuleRunner;

namespace Monitor.Core.Tests.Rules;

public sealed class RuleInputTests
{
    [Fact]
    public void SeriesWithAtAfterTheSlash_IsALocationWithSpaces()
    {
        var input = RuleInput.Parse("COMEX:SI/registered@JP MORGAN CHASE BANK NA");

        Assert.Equal(RuleInputKind.Series, input.Kind);
        Assert.Equal("COMEX:SI", input.Instrument.Value);
        Assert.Equal("registered", input.Series);
        Assert.Equal("JP MORGAN CHASE BANK NA", input.Location);
        Assert.Null(input.Indicator);
        Assert.Equal("COMEX:SI/registered@JP MORGAN CHASE BANK NA", input.ToString());
        Assert.Equal("COMEX:SI registered at JP MORGAN CHASE BANK NA", input.Label);
    }

    [Fact]
    public void AtWithoutASlash_StaysAnIndicator()
    {
        var input = RuleInput.Parse("COMEX:SI@rsi(14)");

        Assert.Equal(RuleInputKind.Indicator, input.Kind);
        Assert.Equal("rsi(14)", input.Indicator);
        Assert.Null(input.Location);
        Assert.Equal("COMEX:GC@macd(12,26,9).histogram", RuleInput.Parse("COMEX:GC@macd(12,26,9).histogram").ToString());
    }

    [Fact]
    public void SeriesWithoutAt_IsTheTotal()
    {
        var input = RuleInput.Parse("ETF:SLV/holdings");

        Assert.Equal(RuleInputKind.Series, input.Kind);
        Assert.Null(input.Location);
    }

    [Fact]
    public void Location_IsTrimmedAndComparedWithoutRegardToCase()
    {
        var spaced = RuleInput.Parse("LME:CA/stocks@ Port Klang ");
        var upper = RuleInput.Parse("LME:CA/STOCKS@PORT KLANG");

        Assert.Equal("Port Klang", spaced.Location);
        Assert.Equal(spaced, upper);
        Assert.Equal(spaced.GetHashCode(), upper.GetHashCode());
        Assert.NotEqual(spaced, RuleInput.Parse("LME:CA/stocks"));
    }

    [Theory]
    [InlineData("COMEX:SI/registered@", "no location")]
    [InlineData("COMEX:SI/registered@   ", "no location")]
    [InlineData("COMEX:SI/registered@A\u0000B", "character a name cannot")]
    [InlineData("COMEX:SI/reg@BRINKS", "unknown series 'reg'")]
    public void BadLocationInput_IsRefusedWithTheReason(string text, string reason)
    {
        Assert.False(RuleInput.TryParse(text, out _, out string error));
        Assert.Contains(reason, error, StringComparison.Ordinal);
    }

    [Fact]
    public void Reads_MatchesOnlyItsLocationIgnoringCase()
    {
        var input = RuleInput.Parse("COMEX:SI/registered@Brinks Inc");
        var value = new InventoryValue(InstrumentId.Parse("COMEX:SI"), "registered", new DateOnly(2026, 1, 14), DateTimeOffset.UnixEpoch, 1, QuantityUnit.TroyOunce);

        Assert.True(input.Reads(value with { Location = "BRINKS INC" }));
        Assert.False(input.Reads(value));
        Assert.False(input.Reads(value with { Location = "Loomis" }));
        Assert.True(RuleInput.Parse("COMEX:SI/registered").Reads(value));
        Assert.False(RuleInput.Parse("COMEX:SI/registered").Reads(value with { Location = "Brinks Inc" }));
    }

    [Fact]
    public void DrawdownAtOneLocation_IgnoresTheTotalAndOtherLocations()
    {
        var rule = Rule("inventoryDrawdown", """{"input":"COMEX:SI/registered@Brinks Inc","window":"P10D","minPerDay":1.5,"unit":"moz"}""");
        var script = new MarketScript().Closes("COMEX:SI", Enumerable.Repeat(30.0, 11).ToArray());
        for (int day = 0; day < 11; day++)
        {
            var published = MarketScript.Day(day + (23.0 / 24));
            // The total and another depository drain fast; only Brinks is read, and it drains 2 Moz a day.
            script.Inventory("COMEX:SI", "registered", day, published, 500 - (10 * day), QuantityUnit.MegaTroyOunce);
            script.Add(RuleEvent.Published(Value(day, published, "LOOMIS", 200 - (8 * day))));
            script.Add(RuleEvent.Published(Value(day, published, "BRINKS INC", 100 - (2 * day))));
        }

        var transitions = Run(rule, script.Events());

        Assert.Equal(["firing@10"], Summary(transitions));
        Assert.StartsWith("COMEX:SI registered at Brinks Inc -2.0 Moz/day", transitions[0].Alert.Message, StringComparison.Ordinal);
    }

    private static InventoryValue Value(int day, DateTimeOffset published, string location, double moz) =>
        new(InstrumentId.Parse("COMEX:SI"), "registered", MarketScript.Date(day), published, moz, QuantityUnit.MegaTroyOunce) { Location = location };
}
