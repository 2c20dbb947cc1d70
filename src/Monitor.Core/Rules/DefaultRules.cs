namespace Monitor.Core.Rules;

/// <summary>
/// The rules a commodity desk starts from, all on daily bars. Notes on the numbers:
/// <list type="bullet">
/// <item><c>silver-etf-divergence</c> is the example rule of docs/api.md.</item>
/// <item><c>comex-silver-registered-drawdown</c>: COMEX registered silver draining at 1.5 Moz a day or more over ten
/// days (the 2-Moz-a-day drain from 530 to 430 Moz of the design), with the days to zero at that pace.</item>
/// <item><c>silver-comex-to-london</c>: metal leaving COMEX registered and arriving in the London vaults, 20 Moz each
/// over 30 days. The LBMA vault series is monthly, so 30 days compare consecutive publications.</item>
/// <item><c>lme-copper-stock-to-use</c>: LME copper stocks under two days of world refined copper use, taken as
/// 27,000,000 t a year (world refined usage is about 27 Mt a year in the mid-2020s; adjust as the ICSG figure moves).</item>
/// <item><c>lme-copper-backwardation</c>: cash over 3-month. <c>LME:CA</c> is the 3-month price; no cash price is built
/// in, so the rule reads <c>LME:CA.CASH</c>, which must be added (<c>PUT /api/v1/instruments/LME:CA.CASH</c>) and fed.
/// Until then the rule reports a missing input and never fires: better than a proxy that would fire on something else.</item>
/// <item><c>gold-silver-ratio-z</c>: the gold/silver ratio two standard deviations from its 180-day mean.</item>
/// <item>RSI(14) above 70 and below 30, and MACD(12,26,9) crossing its signal, on COMEX:SI, COMEX:GC and LME:CA.
/// They wait for the indicators' convergence windows (140 and 285 daily bars).</item>
/// </list>
/// </summary>
public static class DefaultRules
{
    public static string Json { get; } = """
        [
          {"id":"silver-etf-divergence","name":"Silver up while SLV drains","type":"priceFlowDivergence",
           "severity":"warning","interval":"1d","pendingBars":0,"keepFiringBars":0,
           "params":{"price":"COMEX:SI","flow":"ETF:SLV/holdings","window":"P15D","minPriceChangePct":20,"minFlowChangePct":1.5}},
          {"id":"comex-silver-registered-drawdown","name":"COMEX registered silver draining","type":"inventoryDrawdown",
           "severity":"warning","interval":"1d","pendingBars":1,"keepFiringBars":2,
           "params":{"input":"COMEX:SI/registered","window":"P10D","minPerDay":1.5,"unit":"moz"}},
          {"id":"silver-comex-to-london","name":"Silver moving from COMEX to London vaults","type":"crossVenueFlow",
           "severity":"warning","interval":"1d","pendingBars":0,"keepFiringBars":5,
           "params":{"from":"COMEX:SI/registered","to":"COMEX:SI/vault","window":"P30D","minTransfer":20,"unit":"moz"}},
          {"id":"lme-copper-stock-to-use","name":"LME copper stocks under two days of world use","type":"stockToUse",
           "severity":"critical","interval":"1d","pendingBars":0,"keepFiringBars":1,
           "params":{"input":"LME:CA/stocks","annualUse":27000000,"maxDays":2,"unit":"t"}},
          {"id":"lme-copper-backwardation","name":"LME copper cash over 3-month (backwardation)","type":"spread",
           "severity":"warning","interval":"1d","pendingBars":1,"keepFiringBars":1,
           "params":{"near":"LME:CA.CASH","far":"LME:CA","op":"backwardation"}},
          {"id":"gold-silver-ratio-z","name":"Gold/silver ratio far from its 180-day mean","type":"ratioZScore",
           "severity":"info","interval":"1d","pendingBars":0,"keepFiringBars":2,
           "params":{"numerator":"COMEX:GC","denominator":"COMEX:SI","window":"P180D","z":2}},
          {"id":"comex-si-rsi-overbought","name":"COMEX silver RSI(14) above 70","type":"threshold",
           "severity":"info","interval":"1d","pendingBars":0,"keepFiringBars":0,
           "params":{"input":"COMEX:SI@rsi(14)","op":"above","value":70}},
          {"id":"comex-si-rsi-oversold","name":"COMEX silver RSI(14) below 30","type":"threshold",
           "severity":"info","interval":"1d","pendingBars":0,"keepFiringBars":0,
           "params":{"input":"COMEX:SI@rsi(14)","op":"below","value":30}},
          {"id":"comex-si-macd-cross","name":"COMEX silver MACD crosses its signal","type":"indicatorCross",
           "severity":"info","interval":"1d","pendingBars":0,"keepFiringBars":1,
           "params":{"fast":"COMEX:SI@macd(12,26,9).macd","slow":"COMEX:SI@macd(12,26,9).signal","direction":"both"}},
          {"id":"comex-gc-rsi-overbought","name":"COMEX gold RSI(14) above 70","type":"threshold",
           "severity":"info","interval":"1d","pendingBars":0,"keepFiringBars":0,
           "params":{"input":"COMEX:GC@rsi(14)","op":"above","value":70}},
          {"id":"comex-gc-rsi-oversold","name":"COMEX gold RSI(14) below 30","type":"threshold",
           "severity":"info","interval":"1d","pendingBars":0,"keepFiringBars":0,
           "params":{"input":"COMEX:GC@rsi(14)","op":"below","value":30}},
          {"id":"comex-gc-macd-cross","name":"COMEX gold MACD crosses its signal","type":"indicatorCross",
           "severity":"info","interval":"1d","pendingBars":0,"keepFiringBars":1,
           "params":{"fast":"COMEX:GC@macd(12,26,9).macd","slow":"COMEX:GC@macd(12,26,9).signal","direction":"both"}},
          {"id":"lme-ca-rsi-overbought","name":"LME copper RSI(14) above 70","type":"threshold",
           "severity":"info","interval":"1d","pendingBars":0,"keepFiringBars":0,
           "params":{"input":"LME:CA@rsi(14)","op":"above","value":70}},
          {"id":"lme-ca-rsi-oversold","name":"LME copper RSI(14) below 30","type":"threshold",
           "severity":"info","interval":"1d","pendingBars":0,"keepFiringBars":0,
           "params":{"input":"LME:CA@rsi(14)","op":"below","value":30}},
          {"id":"lme-ca-macd-cross","name":"LME copper MACD crosses its signal","type":"indicatorCross",
           "severity":"info","interval":"1d","pendingBars":0,"keepFiringBars":1,
           "params":{"fast":"LME:CA@macd(12,26,9).macd","slow":"LME:CA@macd(12,26,9).signal","direction":"both"}}
        ]
        """;

    private static readonly Lazy<IReadOnlyList<RuleDefinition>> Parsed = new(() => RuleJson.ParseBuiltIn(Json, "default rules"));

    /// <summary>The catalog, parsed (and checked: an invalid entry throws).</summary>
    public static IReadOnlyList<RuleDefinition> All => Parsed.Value;
}
