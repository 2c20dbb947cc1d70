using System.Collections.Concurrent;

namespace Monitor.Core.Market;

public enum InstrumentKind
{
    Future,
    Spot,
    Etf,
    Index,

    /// <summary>A derived series (venue <c>X</c>): its ticks are computed from <see cref="InstrumentDefinition.Expression"/>.</summary>
    Derived,
}

/// <summary>What Monitor knows about an instrument: its name, price unit and the bar intervals it keeps.</summary>
public sealed record InstrumentDefinition(
    InstrumentId Id,
    string Name,
    InstrumentKind Kind,
    string Currency,
    string Unit,
    IReadOnlyList<BarInterval> Intervals,
    bool PreciousMetal)
{
    public static IReadOnlyList<BarInterval> DefaultIntervals { get; } =
        [BarInterval.OneMinute, BarInterval.OneHour, BarInterval.OneDay];

    /// <summary>For a derived series, the expression its value is computed from (<c>COMEX:GC / COMEX:SI</c>); else null.</summary>
    public string? Expression { get; init; }
}

/// <summary>The instruments the service accepts: the built-in set plus any added at run time.</summary>
public sealed class InstrumentCatalog
{
    /// <summary>Indicators every instrument computes on each of its intervals.</summary>
    public static IReadOnlyList<string> StandardIndicators { get; } =
        ["sma(20)", "ema(20)", "rsi(14)", "macd(12,26,9)", "bb(20,2)", "atr(14)"];

    private readonly ConcurrentDictionary<InstrumentId, InstrumentDefinition> _instruments = new();

    public InstrumentCatalog(IEnumerable<InstrumentDefinition> instruments)
    {
        foreach (var instrument in instruments)
        {
            _instruments[instrument.Id] = instrument;
        }
    }

    public static InstrumentCatalog BuiltIn() => new(BuiltInInstruments());

    public IReadOnlyCollection<InstrumentDefinition> All =>
        _instruments.Values.OrderBy(i => i.Id.Value, StringComparer.Ordinal).ToArray();

    public bool TryGet(InstrumentId id, out InstrumentDefinition definition) => _instruments.TryGetValue(id, out definition!);

    public void Put(InstrumentDefinition definition) => _instruments[definition.Id] = definition;

    public bool Remove(InstrumentId id) => _instruments.TryRemove(id, out _);

    private static IEnumerable<InstrumentDefinition> BuiltInInstruments()
    {
        static InstrumentDefinition Define(string id, string name, InstrumentKind kind, string unit, bool precious) =>
            new(InstrumentId.Parse(id), name, kind, "USD", unit, InstrumentDefinition.DefaultIntervals, precious);

        yield return Define("LME:CA", "LME copper, 3-month", InstrumentKind.Future, "USD/t", precious: false);
        yield return Define("LME:CA.CASH", "LME copper, cash", InstrumentKind.Future, "USD/t", precious: false);
        yield return Define("LME:AH", "LME aluminium, 3-month", InstrumentKind.Future, "USD/t", precious: false);
        yield return Define("LME:ZS", "LME special high grade zinc, 3-month", InstrumentKind.Future, "USD/t", precious: false);
        yield return Define("LME:PB", "LME lead, 3-month", InstrumentKind.Future, "USD/t", precious: false);
        yield return Define("LME:NI", "LME nickel, 3-month", InstrumentKind.Future, "USD/t", precious: false);
        yield return Define("LME:SN", "LME tin, 3-month", InstrumentKind.Future, "USD/t", precious: false);
        yield return Define("LME:AA", "LME aluminium alloy, 3-month", InstrumentKind.Future, "USD/t", precious: false);
        yield return Define("LME:NA", "LME NASAAC, 3-month", InstrumentKind.Future, "USD/t", precious: false);
        yield return Define("LME:CO", "LME cobalt, 3-month", InstrumentKind.Future, "USD/t", precious: false);
        yield return Define("COMEX:HG", "COMEX copper", InstrumentKind.Future, "USD/lb", precious: false);
        yield return Define("COMEX:SI", "COMEX silver", InstrumentKind.Future, "USD/oz", precious: true);
        yield return Define("COMEX:GC", "COMEX gold", InstrumentKind.Future, "USD/oz", precious: true);
        yield return Define("NYMEX:PL", "NYMEX platinum", InstrumentKind.Future, "USD/oz", precious: true);
        yield return Define("NYMEX:PA", "NYMEX palladium", InstrumentKind.Future, "USD/oz", precious: true);
        yield return Define("ETF:SLV", "iShares Silver Trust", InstrumentKind.Etf, "USD/share", precious: true);
        yield return Define("ETF:GLD", "SPDR Gold Shares", InstrumentKind.Etf, "USD/share", precious: true);
        yield return Define("ETF:SIL", "Global X Silver Miners", InstrumentKind.Etf, "USD/share", precious: true);
        yield return Define("ETF:GDX", "VanEck Gold Miners", InstrumentKind.Etf, "USD/share", precious: true);
        yield return Define("ETF:COPX", "Global X Copper Miners", InstrumentKind.Etf, "USD/share", precious: false);
        yield return Define("ETF:REMX", "VanEck Rare Earth and Strategic Metals", InstrumentKind.Etf, "USD/share", precious: false);
        yield return Define("ETF:SMH", "VanEck Semiconductor", InstrumentKind.Etf, "USD/share", precious: false);
        yield return Define("ETF:LIT", "Global X Lithium and Battery Tech", InstrumentKind.Etf, "USD/share", precious: false);
        yield return Define("ETF:URA", "Global X Uranium", InstrumentKind.Etf, "USD/share", precious: false);
        yield return Define("ETF:XME", "SPDR S&P Metals and Mining", InstrumentKind.Etf, "USD/share", precious: false);
    }
}
