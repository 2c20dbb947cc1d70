using Monitor.Core.Rules;

namespace Monitor.Core.Simulation;

/// <summary>
/// The default catalog's ideas scaled to the demo feed's clock: one-minute bars and five-minute windows, so the
/// simulator's episodes (a few percent of price and flow over three minutes, every five minutes) make them fire
/// within minutes of a fresh start. The demo feed stores them beside <see cref="DefaultRules"/>, whose daily bars
/// close only once a day.
/// </summary>
public static class DemoRules
{
    public static string Json { get; } = """
        [
          {"id":"demo-silver-etf-divergence","name":"Demo: silver vs SLV holdings over 5 minutes","type":"priceFlowDivergence",
           "severity":"warning","interval":"1m","keepFiringBars":2,
           "params":{"price":"COMEX:SI","flow":"ETF:SLV/holdings","window":"PT5M","minPriceChangePct":3,"minFlowChangePct":1.5}},
          {"id":"demo-gold-etf-divergence","name":"Demo: gold vs GLD holdings over 5 minutes","type":"priceFlowDivergence",
           "severity":"warning","interval":"1m","keepFiringBars":2,
           "params":{"price":"COMEX:GC","flow":"ETF:GLD/holdings","window":"PT5M","minPriceChangePct":2,"minFlowChangePct":1}},
          {"id":"demo-silver-comex-to-london","name":"Demo: silver from COMEX to London over 5 minutes","type":"crossVenueFlow",
           "severity":"warning","interval":"1m","keepFiringBars":2,
           "params":{"from":"COMEX:SI/registered","to":"COMEX:SI/vault","window":"PT5M","minTransfer":5,"unit":"moz"}},
          {"id":"demo-lme-copper-stock-to-use","name":"Demo: LME copper stocks under two days of world use","type":"stockToUse",
           "severity":"critical","interval":"1m","keepFiringBars":1,
           "params":{"input":"LME:CA/stocks","annualUse":27000000,"maxDays":2,"unit":"t"}},
          {"id":"demo-lme-copper-backwardation","name":"Demo: LME copper cash over 3-month","type":"spread",
           "severity":"warning","interval":"1m","pendingBars":1,"keepFiringBars":1,
           "params":{"near":"LME:CA.CASH","far":"LME:CA","op":"backwardation"}},
          {"id":"demo-si-rsi-extreme","name":"Demo: COMEX silver RSI(14) on minute bars above 75","type":"threshold",
           "severity":"info","interval":"1m",
           "params":{"input":"COMEX:SI@rsi(14)","op":"above","value":75}},
          {"id":"demo-gc-macd-cross","name":"Demo: COMEX gold MACD crosses its signal on minute bars","type":"indicatorCross",
           "severity":"info","interval":"1m","keepFiringBars":1,
           "params":{"fast":"COMEX:GC@macd(12,26,9).macd","slow":"COMEX:GC@macd(12,26,9).signal","direction":"both"}}
        ]
        """;

    private static readonly Lazy<IReadOnlyList<RuleDefinition>> Parsed = new(() => RuleJson.ParseBuiltIn(Json, "demo rules"));

    public static IReadOnlyList<RuleDefinition> All => Parsed.Value;
}
