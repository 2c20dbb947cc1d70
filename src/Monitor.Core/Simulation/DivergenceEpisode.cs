using System.Globalization;
using Monitor.Core.Market;

namespace Monitor.Core.Simulation;

/// <summary>The stories a <see cref="MarketSimulator"/> plays out, in the order it plays them (then again from the top).</summary>
public enum DivergenceKind
{
    /// <summary>Silver rallies while the silver ETF's holdings drain (or the mirror: falls while they fill).</summary>
    SilverEtfOutflow,

    /// <summary>COMEX silver registered stocks drain while London vaults fill by about the same, silver firming (or the mirror).</summary>
    ComexToLondonSilver,

    /// <summary>LME copper stocks fall toward a few days of world use, cancelled warrants jump, copper rallies (or the mirror).</summary>
    CopperStocksSqueeze,

    /// <summary>Gold rallies while the gold ETF's holdings drain (or the mirror).</summary>
    GoldEtfOutflow,
}

/// <summary>An episode's price move of one instrument: <paramref name="ChangePct"/> percent from start to end, on top of the usual noise.</summary>
public sealed record EpisodePriceMove(InstrumentId Instrument, double ChangePct);

/// <summary>An episode's flow into (positive) or out of (negative) one inventory series, in the series' base unit.</summary>
public sealed record EpisodeFlow(InstrumentId Instrument, string Series, double Change, QuantityUnit Unit);

/// <summary>
/// One divergence episode: from <see cref="Start"/> to <see cref="End"/> the prices in <see cref="PriceMoves"/> move
/// evenly by their percentages (the first is the lead, the others follow it by their betas) while the series in
/// <see cref="Flows"/> change evenly by their amounts, on top of the usual noise. The flows stay; the price moves fade
/// afterwards with <see cref="SimulatorOptions.EpisodePriceHalfLife"/>.
/// </summary>
public sealed record DivergenceEpisode(
    DivergenceKind Kind,
    DateTimeOffset Start,
    DateTimeOffset End,
    bool PriceUp,
    IReadOnlyList<EpisodePriceMove> PriceMoves,
    IReadOnlyList<EpisodeFlow> Flows)
{
    /// <summary>One line for a log: <c>COMEX:SI +6.1% while ETF:SLV holdings -15.2 Moz</c>.</summary>
    public string Description
    {
        get
        {
            var lead = PriceMoves[0];
            var flows = string.Join(" and ", Flows.Select(f => $"{f.Instrument} {f.Series} {FormatFlow(f)}"));
            return string.Create(CultureInfo.InvariantCulture, $"{Kind}: {lead.Instrument} {lead.ChangePct:+0.0;-0.0}% while {flows}, {Start:HH:mm:ss}-{End:HH:mm:ss}");
        }
    }

    /// <summary>Value equality, the moves and flows compared item by item.</summary>
    public bool Equals(DivergenceEpisode? other) =>
        other is not null && Kind == other.Kind && Start == other.Start && End == other.End && PriceUp == other.PriceUp
        && PriceMoves.SequenceEqual(other.PriceMoves) && Flows.SequenceEqual(other.Flows);

    public override int GetHashCode() => HashCode.Combine(Kind, Start, End, PriceUp, PriceMoves.Count, Flows.Count);

    private static string FormatFlow(EpisodeFlow flow) => flow.Unit switch
    {
        QuantityUnit.TroyOunce => string.Create(CultureInfo.InvariantCulture, $"{flow.Change / 1e6:+0.0;-0.0} Moz"),
        QuantityUnit.Tonne => string.Create(CultureInfo.InvariantCulture, $"{flow.Change / 1e3:+0.0;-0.0} kt"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{flow.Change:+0;-0} {flow.Unit.Symbol()}"),
    };
}
