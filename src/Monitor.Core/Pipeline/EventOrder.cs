using Monitor.Core.Market;

namespace Monitor.Core.Pipeline;

/// <summary>
/// The canonical order of events (a backtest raises the alerts the live service raised only if both feed events in it).
/// <list type="number">
/// <item>By event time: a tick's <c>ts</c>, an inventory value's <c>publishedAt</c>, a stored bar's close.</item>
/// <item>At equal times inventory comes before ticks (and bars).</item>
/// <item>Then by instrument id, ordinal.</item>
/// <item>Then, within one instrument: ticks by stored index (the order its grain received them); inventory by series
/// (ordinal), <c>asOf</c>, version; bars finest interval first.</item>
/// </list>
/// Each instrument's ticks are one stream in index order, and streams are merged by the key of their next tick, so an
/// instrument's ticks always reach its pipeline in the order its grain saw them (an out-of-order tick is not moved
/// ahead of ticks that arrived before it; it is where the pipeline decides whether it is late).
/// </summary>
public readonly record struct EventOrder(long Time, int Rank, int Instrument, int Stream) : IComparable<EventOrder>
{
    public const int InventoryRank = 0;
    public const int MarketRank = 1;

    public int CompareTo(EventOrder other)
    {
        int c = Time.CompareTo(other.Time);
        if (c != 0)
        {
            return c;
        }

        c = Rank.CompareTo(other.Rank);
        if (c != 0)
        {
            return c;
        }

        c = Instrument.CompareTo(other.Instrument);
        return c != 0 ? c : Stream.CompareTo(other.Stream);
    }

    public static bool operator <(EventOrder left, EventOrder right) => left.CompareTo(right) < 0;

    public static bool operator >(EventOrder left, EventOrder right) => left.CompareTo(right) > 0;

    public static bool operator <=(EventOrder left, EventOrder right) => left.CompareTo(right) <= 0;

    public static bool operator >=(EventOrder left, EventOrder right) => left.CompareTo(right) >= 0;

    /// <summary>Orders instrument ids ordinally into the ranks <see cref="Instrument"/> holds.</summary>
    public static InstrumentId[] SortInstruments(IEnumerable<InstrumentId> instruments) =>
        [.. instruments.Distinct().OrderBy(i => i.Value, StringComparer.Ordinal)];
}
