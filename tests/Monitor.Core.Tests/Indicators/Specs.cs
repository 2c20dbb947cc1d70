namespace Monitor.Core.Tests.Indicators;

/// <summary>The indicator specs the tests sweep over.</summary>
internal static class Specs
{
    /// <summary>Every indicator with its default parameters, written out.</summary>
    public static IReadOnlyList<string> Defaults { get; } =
    [
        "sma(20)", "ema(20)", "wma(20)", "rsi(14)", "macd(12,26,9)", "bb(20,2)", "atr(14)", "stoch(14,3,3)",
        "adx(14)", "obv", "stddev(20)", "roc(20)", "donchian(20)", "keltner(20,2,10)", "cci(20)", "willr(14)",
        "vwap", "supertrend(10,3)",
    ];

    /// <summary>Other parameters, short windows above all.</summary>
    public static IReadOnlyList<string> Variants { get; } =
    [
        "sma(5)", "ema(3)", "wma(7)", "rsi(3)", "macd(5,13,4)", "bb(10,1.5)", "atr(3)", "stoch(5,2,2)", "adx(7)",
        "stddev(3)", "roc(1)", "donchian(5)", "keltner(10,1.5,20)", "cci(5)", "willr(5)", "supertrend(7,2.5)",
    ];

    /// <summary>The shortest windows allowed, where every buffer holds a single value.</summary>
    public static IReadOnlyList<string> PeriodOne { get; } =
    [
        "sma(1)", "ema(1)", "wma(1)", "rsi(1)", "macd(1,2,1)", "bb(1,2)", "atr(1)", "stoch(1,1,1)", "adx(1)",
        "stddev(1)", "donchian(1)", "keltner(1,1,1)", "cci(1)", "willr(1)", "supertrend(1,1)",
    ];

    public static IEnumerable<string> All => Defaults.Concat(Variants).Concat(PeriodOne);

    public static TheoryData<string> AllData() => new(All);
}
