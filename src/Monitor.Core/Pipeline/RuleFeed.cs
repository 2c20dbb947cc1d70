using Monitor.Core.Market;
using Monitor.Core.Rules;

namespace Monitor.Core.Pipeline;

/// <summary>
/// The one way every driver feeds a <see cref="RuleSet"/> (live grains and the backtest engine alike: parity between
/// them depends on it). Events must come in <see cref="EventOrder"/>.
/// <list type="bullet">
/// <item>A tick goes through its instrument's <see cref="InstrumentPipeline"/>. Duplicates and late ticks (the pipeline
/// decides) go no further. For an applied tick the rules get first each bar it closed, in the order
/// <see cref="InstrumentPipeline.Apply"/> listed them, then the tick.</item>
/// <item>An inventory value goes to the rules as it is (they see it from its <c>publishedAt</c>).</item>
/// <item>A stored bar of an instrument that has no ticks (imported bars) goes to the rules at its close time.</item>
/// <item>Instants: after the last event fed at one instant the rules are advanced to that instant
/// (<see cref="RuleSet.AdvanceTo"/>), which happens when an event of a later instant arrives, or at
/// <see cref="Finish"/>. Only events fed to the rules move the instant; an event earlier than it (a tick out of order
/// inside its open bar) is fed without moving it.</item>
/// </list>
/// </summary>
public sealed class RuleFeed(RuleSet rules)
{
    private readonly List<ClosedBar> _closed = [];
    private long _instant = long.MinValue;

    public RuleSet Rules { get; } = rules;

    /// <summary>The latest instant fed, or null before the first event.</summary>
    public DateTimeOffset? Instant => _instant == long.MinValue ? null : new DateTimeOffset(_instant, TimeSpan.Zero);

    /// <summary>The bars the last applied tick closed (valid until the next call).</summary>
    public IReadOnlyList<ClosedBar> LastClosed => _closed;

    /// <summary>Applies a tick to its instrument's pipeline and, if applied, feeds the bars it closed and the tick.</summary>
    public TickDisposition Tick(InstrumentPipeline pipeline, in Tick tick, List<AlertTransition> output)
    {
        ArgumentNullException.ThrowIfNull(pipeline);
        _closed.Clear();
        var disposition = pipeline.Apply(tick, _closed);
        if (disposition != TickDisposition.Applied)
        {
            return disposition;
        }

        MoveTo(tick.Time.UtcTicks, output);
        foreach (var closed in _closed)
        {
            Rules.OnBarClosed(pipeline.Instrument, closed, output);
        }

        Rules.OnTick(tick, output);
        return disposition;
    }

    public void Inventory(in InventoryValue value, List<AlertTransition> output)
    {
        MoveTo(value.PublishedAt.UtcTicks, output);
        Rules.OnInventory(value, output);
    }

    /// <summary>A stored bar (open time <see cref="Bar.Time"/>) of an instrument driven by bars: an event at its close.</summary>
    public void Bar(InstrumentId instrument, BarInterval interval, in Bar bar, List<AlertTransition> output)
    {
        MoveTo((bar.Time + interval.Length).UtcTicks, output);
        Rules.OnBarClosed(instrument, interval, bar, output);
    }

    /// <summary>The end of the events: advances the rules to the last instant and then to <paramref name="end"/>, if later.</summary>
    public void Finish(DateTimeOffset? end, List<AlertTransition> output)
    {
        if (_instant != long.MinValue)
        {
            Rules.AdvanceTo(new DateTimeOffset(_instant, TimeSpan.Zero), output);
        }

        if (end is { } time && time.UtcTicks > _instant)
        {
            _instant = time.UtcTicks;
            Rules.AdvanceTo(time, output);
        }
    }

    private void MoveTo(long time, List<AlertTransition> output)
    {
        if (time <= _instant)
        {
            return;
        }

        if (_instant != long.MinValue)
        {
            Rules.AdvanceTo(new DateTimeOffset(_instant, TimeSpan.Zero), output);
        }

        _instant = time;
    }
}

/// <summary>
/// The canonical order of events (a backtest gives the alerts the live service gave).
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
