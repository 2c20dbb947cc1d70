using Monitor.Core.Expressions;
using Monitor.Core.Rules;

namespace Monitor.Core.Tests.Expressions;

/// <summary>A wrong expression is refused with where (position, token) and what was expected or is wrong.</summary>
public sealed class ExpressionErrorTests
{
    [Theory]
    [InlineData("pctChange(COMEX:SI, P10D) >= ", "at position 30: the expression ends too early; expected a number, a series, a function or '('")]
    [InlineData("COMEX:SI > 5 5", "at position 14 ('5'): expected an operator ('and', 'or', a comparison, + - * /) or the end of the expression")]
    [InlineData("(COMEX:SI > 5", "at position 14: the expression ends too early; expected ')' to close the '(' at position 1")]
    [InlineData("COMEX:SI = 5", "at position 10 ('='): '=' is not an operator; write '==' to compare")]
    [InlineData("COMEX:SI > 5 && COMEX:GC > 5", "at position 14 ('&'): '&' is not an operator; write 'and', 'or', 'not'")]
    [InlineData("1 < COMEX:SI < 3", "at position 14 ('<'): comparisons do not chain; join them with 'and': a < b and b < c")]
    [InlineData("[COMEX:SI/registered@JP MORGAN > 1", "at position 1 ('['): this '[' is never closed; write [INSTRUMENT/series@LOCATION]")]
    public void SyntaxError_SaysWhereAndWhatWasExpected(string condition, string error)
    {
        Assert.Equal([$"params.condition: {error}"], Problems(condition));
    }

    [Theory]
    [InlineData("pctChnage(COMEX:SI, P10D) > 5", "at position 1 ('pctChnage'): unknown function 'pctChnage'; the functions are change, pctChange, perDay, daysToZero, mean, stddev, zscore, min, max, previous, abs, crossesAbove, crossesBelow, open, high, low, close, volume")]
    [InlineData("pctchange(COMEX:SI, P10D) > 5", "at position 1 ('pctchange'): unknown function 'pctchange'; did you mean 'pctChange'?")]
    [InlineData("pctChange(COMEX:SI) > 5", "at position 1 ('pctChange'): pctChange takes 2 arguments (pctChange(x, W)), got 1")]
    [InlineData("COMEX:SI + ETF:SLV/holdings > 5", "at position 10 ('+'): cannot add a price (money) ('COMEX:SI') and a quantity of metal (ounces, tonnes) ('ETF:SLV/holdings')")]
    [InlineData("ETF:SLV/holdings > 5 contracts", "at position 18 ('>'): cannot compare a quantity of metal (ounces, tonnes) ('ETF:SLV/holdings') and a number of contracts ('5 contracts')")]
    [InlineData("pctChange(COMEX:SI, 20 oz) > 5", "at position 21 ('20 oz'): pctChange needs a window: an ISO-8601 duration (P10D, PT4H, P2W) or a number of bars (20) here")]
    [InlineData("pctChange(COMEX:SI, PT1H) > 5", "at position 21 ('PT1H'): PT1H is shorter than one 1d bar, the rule's interval")]
    [InlineData("pctChange(COMEX:SI, P1M) > 5", "at position 21 ('P1M'): 'P1M' uses months, which have no fixed length; write days (P30D)")]
    [InlineData("pctChange(COMEX:SI > 1, P5D) > 5", "at position 11 ('COMEX:SI > 1'): pctChange needs a number here, and this is true or false")]
    [InlineData("COMEX:XX/holdingz > 5", "at position 1 ('COMEX:XX/holdingz'): not a series: 'COMEX:XX/holdingz': unknown series 'holdingz'; known: registered, eligible, stocks, onWarrant, cancelled, holdings, vault, mmNet, pledged, openInterest, mmLong, mmShort, ncLong, ncShort, ncNet")]
    [InlineData("COMEX:SI@rsx(14) > 70", "at position 1 ('COMEX:SI@rsx(14)'): not a series: 'COMEX:SI@rsx(14)': unknown indicator 'rsx' in 'rsx(14)'; known: sma, ema, wma, rsi, macd, bb, atr, stoch, adx, obv, stddev, roc, donchian, keltner, cci, willr, vwap, supertrend, bar")]
    [InlineData("pctChange(COMEX:SI, P10D)", "at position 1 ('pctChange(COMEX:SI, P10D)'): the condition must be true or false, and this is a number; compare it, as in pctChange(COMEX:SI, P10D) > 0")]
    [InlineData("COMEX:SI > 5 and 3", "at position 18 ('3'): 'and' joins conditions (true or false), and this is a number")]
    [InlineData("1 > 0", "at position 1: the condition reads no series; name one, such as COMEX:SI or ETF:SLV/holdings")]
    [InlineData("P10D > COMEX:SI", "at position 1 ('P10D'): a window goes inside a window function, as in pctChange(COMEX:SI, P10D)")]
    [InlineData("$@rsi(14) > 70", "at position 1 ('$@rsi(14)'): '$' stands for each instrument of forEach, and this rule has no forEach")]
    [InlineData("high(ETF:SLV/holdings) > 5", "at position 6 ('ETF:SLV/holdings'): high() reads the bar of an instrument: write high(COMEX:SI)")]
    public void MeaningError_NamesTheTokenAndTheProblem(string condition, string error)
    {
        Assert.Equal([$"params.condition: {error}"], Problems(condition));
    }

    [Fact]
    public void TwoMistakes_AreBothReported()
    {
        var problems = Problems("pctChnage(COMEX:SI, P10D) > 5 and COMEX:SI + ETF:SLV/holdings > 1");

        Assert.Equal(2, problems.Length);
        Assert.StartsWith("params.condition: at position 1 ('pctChnage')", problems[0], StringComparison.Ordinal);
        Assert.StartsWith("params.condition: at position 44 ('+')", problems[1], StringComparison.Ordinal);
    }

    [Fact]
    public void TooLong_IsRefusedWithTheLimit()
    {
        string condition = string.Join(" and ", Enumerable.Repeat("COMEX:SI > 1", 200));

        Assert.Equal(
            [$"params.condition: at position {ExpressionLimits.MaxLength + 1}: the expression is {condition.Length} characters long; at most {ExpressionLimits.MaxLength}"],
            Problems(condition));
    }

    [Fact]
    public void TooDeep_IsRefusedWithTheLimit()
    {
        string condition = new string('(', 40) + "COMEX:SI > 1" + new string(')', 40);

        Assert.Equal(["params.condition: at position 33 ('('): nested more than 32 deep"], Problems(condition));
    }

    [Fact]
    public void TooManySeries_IsRefusedWithTheLimit()
    {
        string condition = string.Join(" or ", Enumerable.Range(0, 40).Select(i => $"COMEX:SI@sma({i + 2}) > 1"));

        var problems = Problems(condition);

        Assert.Single(problems);
        Assert.Contains($"reads more than {ExpressionLimits.MaxInputs} series", problems[0], StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("SLV {pctChange(ETF:SLV, P10D}%", "params.message: at position 29: the expression ends too early; expected ',' or ')' to close pctChange(")]
    [InlineData("SLV {pctChange(ETF:SLV, P10D)%", "params.message: at position 5 ('{'): this '{' is never closed; placeholders are written {expression}")]
    [InlineData("SLV {COMEX:SI > 1}", "params.message: at position 6 ('COMEX:SI > 1'): a placeholder shows a value, and this is true or false")]
    public void BadMessage_SaysWhereInTheMessage(string message, string error)
    {
        Assert.Equal([error], Problems("COMEX:SI > 1", message));
    }

    [Fact]
    public void UnknownField_IsRefused()
    {
        var result = RuleJson.Parse("""{"id":"r","type":"expression","params":{"condition":"COMEX:SI > 1","conditon":"x"}}""");

        Assert.Contains(result.Problems, p => p.Field == "params.conditon");
    }

    private static string[] Problems(string condition, string? message = null)
    {
        string json = System.Text.Json.JsonSerializer.Serialize(new
        {
            id = "r",
            type = "expression",
            @params = message is null ? (object)new { condition } : new { condition, message },
        });
        return RuleJson.Parse(json).Problems.Select(p => p.ToString()).ToArray();
    }
}
