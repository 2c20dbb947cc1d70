using Monitor.Core.Indicators;

namespace Monitor.Core.Tests.Indicators;

/// <summary>Parsing spec strings and output references, and the errors bad ones get.</summary>
public sealed class IndicatorSpecTests
{
    [Theory]
    [InlineData("BB( 20 , 2.0 )", "bb(20,2)")]
    [InlineData("sma(20)", "sma(20)")]
    [InlineData("  Ema(5)  ", "ema(5)")]
    [InlineData("rsi ( 14 )", "rsi(14)")]
    [InlineData("MACD(5,13,4)", "macd(5,13,4)")]
    [InlineData("keltner(20,2.50,10)", "keltner(20,2.5,10)")]
    [InlineData("supertrend(7,2.5)", "supertrend(7,2.5)")]
    [InlineData("bb(20,1e0)", "bb(20,1)")]
    [InlineData("sma(20.0)", "sma(20)")]
    [InlineData("sma(100000)", "sma(100000)")]
    [InlineData("OBV", "obv")]
    public void ValidSpec_CreatesTheIndicatorUnderItsCanonicalSpec(string text, string canonical)
    {
        Assert.True(IndicatorSpec.TryCreate(text, out var indicator, out string error), error);
        Assert.Equal(canonical, indicator.Spec);
        Assert.Equal(canonical, IndicatorSpec.Create(text).Spec);
    }

    [Theory]
    [InlineData("sma", "sma(20)")]
    [InlineData("ema", "ema(20)")]
    [InlineData("wma", "wma(20)")]
    [InlineData("rsi", "rsi(14)")]
    [InlineData("RSI()", "rsi(14)")]
    [InlineData("macd", "macd(12,26,9)")]
    [InlineData("bb", "bb(20,2)")]
    [InlineData("atr", "atr(14)")]
    [InlineData("stoch", "stoch(14,3,3)")]
    [InlineData("adx", "adx(14)")]
    [InlineData("obv", "obv")]
    [InlineData("roc", "roc(20)")]
    [InlineData("donchian", "donchian(20)")]
    [InlineData("keltner", "keltner(20,2,10)")]
    [InlineData("cci", "cci(20)")]
    [InlineData("willr", "willr(14)")]
    [InlineData("vwap", "vwap")]
    public void BareName_TakesTheDefaults(string text, string canonical) =>
        Assert.Equal(canonical, IndicatorSpec.Create(text).Spec);

    [Fact]
    public void Names_ListsTheEighteenIndicatorsInContractOrderThenTheBarFields() =>
        Assert.Equal(
            ["sma", "ema", "wma", "rsi", "macd", "bb", "atr", "stoch", "adx", "obv", "stddev", "roc", "donchian", "keltner", "cci", "willr", "vwap", "supertrend", "bar"],
            IndicatorSpec.Names);

    [Theory]
    [InlineData("foo(3)", "unknown indicator 'foo'")]
    [InlineData("smaa", "unknown indicator 'smaa'")]
    [InlineData("sma20)", "unknown indicator")]
    [InlineData("sma(1,2)", "sma takes 1 parameter(s), sma(period), got 2")]
    [InlineData("sma(20,)", "got 2")]
    [InlineData("macd(12,26)", "macd takes 3 parameter(s), macd(fast,slow,signal), got 2")]
    [InlineData("keltner(20,2)", "got 2")]
    [InlineData("obv(3)", "obv takes no parameters")]
    [InlineData("vwap(1)", "vwap takes no parameters")]
    [InlineData("sma(2.5)", "period must be a whole number from 1 to 100000, got 2.5")]
    [InlineData("sma(0)", "period must be a whole number from 1 to 100000, got 0")]
    [InlineData("sma(-3)", "got -3")]
    [InlineData("sma(100001)", "got 100001")]
    [InlineData("sma(1e9)", "got 1e9")]
    [InlineData("stoch(14,0,3)", "k must be a whole number")]
    [InlineData("sma(abc)", "period 'abc' is not a number")]
    [InlineData("sma(NaN)", "is not a number")]
    [InlineData("sma(Infinity)", "is not a number")]
    [InlineData("sma(1e400)", "is not a number")]
    [InlineData("sma(0x10)", "is not a number")]
    [InlineData("macd(12,,9)", "slow '' is not a number")]
    [InlineData("bb(20,0)", "deviations must be above 0")]
    [InlineData("bb(20,-1)", "deviations must be above 0")]
    [InlineData("supertrend(10,5000)", "multiplier must be above 0 and at most 1000")]
    [InlineData("macd(26,12,9)", "fast period (26) must be shorter than the slow period (12)")]
    [InlineData("macd(12,12,9)", "fast period (12) must be shorter than the slow period (12)")]
    [InlineData("sma(20", "malformed")]
    [InlineData("sma((20))", "malformed")]
    [InlineData("sma(20))", "malformed")]
    [InlineData("sma(20)x", "malformed")]
    [InlineData("sma)20(", "malformed")]
    [InlineData("(20)", "unknown indicator ''")]
    [InlineData("", "indicator spec is empty")]
    [InlineData("   ", "indicator spec is empty")]
    [InlineData(null, "indicator spec is empty")]
    public void InvalidSpec_FailsWithAnErrorThatNamesTheProblem(string? text, string expected)
    {
        Assert.False(IndicatorSpec.TryCreate(text, out _, out string error));
        Assert.Contains(expected, error, StringComparison.Ordinal);
        if (text is not null)
        {
            var thrown = Assert.Throws<FormatException>(() => IndicatorSpec.Create(text));
            Assert.Equal(error, thrown.Message);
        }
    }

    [Fact]
    public void UnknownName_ErrorListsEveryKnownName()
    {
        Assert.False(IndicatorSpec.TryCreate("foo(3)", out _, out string error));
        Assert.All(IndicatorSpec.Names, name => Assert.Contains(name, error, StringComparison.Ordinal));
    }

    [Fact]
    public void TenThousandCharactersOfJunk_FailWithAShortError()
    {
        var random = new Random(7);
        string junk = new(Enumerable.Range(0, 10_000).Select(_ => (char)random.Next(1, 0x3000)).ToArray());
        foreach (string text in new[] { junk, new string('x', 10_000), "sma(" + new string('9', 10_000) + ")" })
        {
            Assert.False(IndicatorSpec.TryCreate(text, out _, out string error));
            Assert.InRange(error.Length, 1, 400);
            Assert.False(IndicatorSpec.TryCreateOutput(text + ".signal", out _, out _, out error));
            Assert.InRange(error.Length, 1, 400);
        }
    }

    [Theory]
    [InlineData("macd(12,26,9).histogram", "macd(12,26,9)", 2)]
    [InlineData("MACD(12, 26, 9).Signal", "macd(12,26,9)", 1)]
    [InlineData("macd.slowEma", "macd(12,26,9)", 4)]
    [InlineData("macd(12,26,9)", "macd(12,26,9)", 0)]
    [InlineData("bb(20,2.5).width", "bb(20,2.5)", 5)]
    [InlineData("bb.percentB", "bb(20,2)", 3)]
    [InlineData("rsi(14)", "rsi(14)", 0)]
    [InlineData("rsi", "rsi(14)", 0)]
    [InlineData("sma(20).sma", "sma(20)", 0)]
    [InlineData("adx(7).adxr", "adx(7)", 4)]
    public void OutputReference_NamesTheIndicatorAndTheOutput(string reference, string spec, int output)
    {
        Assert.True(IndicatorSpec.TryCreateOutput(reference, out var indicator, out int index, out string error), error);
        Assert.Equal(spec, indicator.Spec);
        Assert.Equal(output, index);
    }

    [Theory]
    [InlineData("macd(12,26,9).nope", "macd(12,26,9) has no output 'nope'; its outputs are macd, signal, histogram, fastEma, slowEma")]
    [InlineData("macd(12,26,9).", "has no output ''")]
    [InlineData("rsi(14).rsi2", "rsi(14) has no output 'rsi2'")]
    [InlineData("bb(20,2.5", "malformed")]
    [InlineData("foo(1).bar", "unknown indicator 'foo'")]
    [InlineData("macd(26,12,9).signal", "must be shorter")]
    [InlineData("", "indicator reference is empty")]
    [InlineData(null, "indicator reference is empty")]
    public void BadOutputReference_FailsWithAClearError(string? reference, string expected)
    {
        Assert.False(IndicatorSpec.TryCreateOutput(reference, out _, out _, out string error));
        Assert.Contains(expected, error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("sma(20)", 0, "sma(20)")]
    [InlineData("obv", 0, "obv")]
    [InlineData("macd(12,26,9)", 1, "macd(12,26,9).signal")]
    [InlineData("bb(20,2.5)", 5, "bb(20,2.5).width")]
    [InlineData("stoch", 2, "stoch(14,3,3).j")]
    public void OutputKey_IsTheSpecAloneOrSpecDotOutput(string spec, int output, string key) =>
        Assert.Equal(key, IndicatorSpec.Create(spec).OutputKey(output));

    [Theory]
    [MemberData(nameof(Specs.AllData), MemberType = typeof(Specs))]
    public void OutputKey_RoundTripsThroughTryCreateOutput(string spec)
    {
        var indicator = IndicatorSpec.Create(spec);
        for (int o = 0; o < indicator.Outputs.Count; o++)
        {
            Assert.True(IndicatorSpec.TryCreateOutput(indicator.OutputKey(o), out var again, out int index, out string error), error);
            Assert.Equal(indicator.Spec, again.Spec);
            Assert.Equal(o, index);
        }
    }
}
