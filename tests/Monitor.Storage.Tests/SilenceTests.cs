using Monitor.Core.Ports;
using Monitor.Core.Rules;
using static Monitor.Storage.Tests.Infrastructure.TestData;

namespace Monitor.Storage.Tests;

/// <summary><see cref="Silence.Matches"/>: pure, no database.</summary>
public sealed class SilenceTests
{
    private static readonly Alert Alert = new(
        "id", "silver-etf-divergence", "name", RuleType.PriceFlowDivergence, AlertSeverity.Warning, ["COMEX:SI", "ETF:SLV"],
        AlertState.Firing, "bearish", T0, T0, null, "message", new Dictionary<string, double>());

    [Theory]
    [InlineData(null, null, true)]
    [InlineData("silver-etf-divergence", null, true)]
    [InlineData(null, "ETF:SLV", true)]
    [InlineData("silver-etf-divergence", "COMEX:SI", true)]
    [InlineData("other-rule", null, false)]
    [InlineData(null, "COMEX:GC", false)]
    [InlineData("silver-etf-divergence", "COMEX:GC", false)]
    [InlineData("SILVER-ETF-DIVERGENCE", null, false)]
    [InlineData(null, "etf:slv", false)]
    public void Matches_RuleAndInstrument_EachMustMatchWhenSet(string? ruleId, string? instrument, bool expected)
    {
        var silence = new Silence("s", ruleId, instrument, T0.AddHours(-1), T0.AddHours(1), "", "ana", T0);

        Assert.Equal(expected, silence.Matches(Alert, T0));
    }

    [Fact]
    public void Matches_Window_StartInclusiveEndExclusive()
    {
        var silence = new Silence("s", null, null, T0, T0.AddHours(1), "", "ana", T0);

        Assert.False(silence.Matches(Alert, T0.AddTicks(-10)));
        Assert.True(silence.Matches(Alert, T0));
        Assert.True(silence.Matches(Alert, T0.AddHours(1).AddTicks(-10)));
        Assert.False(silence.Matches(Alert, T0.AddHours(1)));
    }
}
