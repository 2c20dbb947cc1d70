using System.Runtime.InteropServices;
using Monitor.Core.Market;
using Monitor.Core.Rules;

namespace Monitor.Core.Pipeline;

/// <summary>When a <see cref="PipelineDriver"/> advances its rules to the latest instant (<see cref="RuleSet.AdvanceTo"/>).</summary>
public enum AdvancePolicy
{
    /// <summary>
    /// When the caller says a batch is done (<see cref="PipelineDriver.Advance"/>): the live grains, whose ticks arrive in
    /// batches. Within a batch the rules' own event time runs the evaluations due; the set holds each instrument's latest
    /// tick back from bar-close rules until its bar changes, so a tick costs a lookup, not a pass over the rules.
    /// </summary>
    PerBatch,

    /// <summary>
    /// Also whenever a tick or bar of a later time comes: a backtest, whose events come in <see cref="EventOrder"/>, so
    /// an instant is complete once a later one begins, and evaluations due by it run before anything later.
    /// </summary>
    PerInstant,
}

/// <summary>
/// The one way every driver feeds a <see cref="RuleSet"/>: the instrument grain, the rule grain and the backtest engine
/// all call it, so the rules see the same events the same way live and in a backtest. Feed events in
/// <see cref="EventOrder"/> (a live grain feeds them as they arrive, which within one instrument is that order).
/// <list type="bullet">
/// <item>A tick goes through its instrument's <see cref="InstrumentPipeline"/>; duplicates and late ticks (the pipeline
/// decides) go no further. For an applied tick the rules get first each bar it closed, finest interval first, then the
/// tick. A rule grain gets the same from the instrument's grain, whose pipeline applied the tick.</item>
/// <item>A stored bar of an instrument that has no ticks (imported bars) is an event at its close.</item>
/// <item>An inventory value goes to the rules as it is: they see it from its <c>publishedAt</c> on (they hold it until
/// event time reaches it), so it does not move the instant.</item>
/// <item>Instants: the instant is the latest time of the ticks and bars fed (an earlier one, a tick out of order inside
/// its open bar, does not move it). <see cref="Advance"/> declares that everything through the instant has been fed,
/// so the evaluations due by then run; the <see cref="AdvancePolicy"/> says whether that also happens at each new instant.</item>
/// </list>
/// </summary>
public sealed class PipelineDriver(RuleSet rules, AdvancePolicy policy)
{
    private readonly List<ClosedBar> _closed = [];
    private long _instant = long.MinValue;

    public RuleSet Rules { get; } = rules;

    /// <summary>The bars the last tick given to <see cref="Tick(InstrumentPipeline, in Market.Tick, List{AlertTransition})"/> closed (valid until the next call).</summary>
    public IReadOnlyList<ClosedBar> LastClosed => _closed;

    /// <summary>Applies a tick to its instrument's pipeline and, if applied, feeds the rules the bars it closed and the tick.</summary>
    public TickDisposition Tick(InstrumentPipeline pipeline, in Tick tick, List<AlertTransition> output)
    {
        ArgumentNullException.ThrowIfNull(pipeline);
        _closed.Clear();
        var disposition = pipeline.Apply(tick, _closed);
        if (disposition == TickDisposition.Applied)
        {
            Tick(tick, CollectionsMarshal.AsSpan(_closed), output);
        }

        return disposition;
    }

    /// <summary>A tick its instrument's pipeline applied, with the bars it closed (finest interval first).</summary>
    public void Tick(in Tick tick, ReadOnlySpan<ClosedBar> closed, List<AlertTransition> output)
    {
        Closed(tick.Instrument, tick.Time, closed, output);
        Rules.OnTick(tick, output);
    }

    /// <summary>
    /// Bars an instrument's pipeline closed at <paramref name="at"/>, the time of the tick that closed them, without the
    /// tick: what a rule grain gets of an instrument whose ticks its rule does not read.
    /// </summary>
    public void Closed(InstrumentId instrument, DateTimeOffset at, ReadOnlySpan<ClosedBar> closed, List<AlertTransition> output)
    {
        MoveTo(at.UtcTicks, output);
        foreach (var bar in closed)
        {
            Rules.OnBarClosed(instrument, bar, output);
        }
    }

    /// <summary>A stored bar (open time <see cref="Bar.Time"/>) of an instrument driven by bars: an event at its close.</summary>
    public void Bar(InstrumentId instrument, BarInterval interval, in Bar bar, List<AlertTransition> output)
    {
        MoveTo((bar.Time + interval.Length).UtcTicks, output);
        Rules.OnBarClosed(instrument, interval, bar, output);
    }

    public void Inventory(in InventoryValue value, List<AlertTransition> output) => Rules.OnInventory(value, output);

    /// <summary>Every event through the instant has been fed: the evaluations due by then run now.</summary>
    public void Advance(List<AlertTransition> output)
    {
        if (_instant != long.MinValue)
        {
            Rules.AdvanceTo(new DateTimeOffset(_instant, TimeSpan.Zero), output);
        }
    }

    /// <summary>The events end at <paramref name="time"/> (a backtest's range): advances to the instant, then to <paramref name="time"/> if later.</summary>
    public void Finish(DateTimeOffset time, List<AlertTransition> output)
    {
        Advance(output);
        if (time.UtcTicks > _instant)
        {
            _instant = time.UtcTicks;
            Rules.AdvanceTo(time, output);
        }
    }

    /// <summary>Hands the ticks the rules hold back on (before saving their state, or when a grain's feed pauses mid-instant).</summary>
    public void Flush(List<AlertTransition> output) => Rules.Flush(output);

    private void MoveTo(long time, List<AlertTransition> output)
    {
        if (time <= _instant)
        {
            return;
        }

        if (policy == AdvancePolicy.PerInstant)
        {
            Advance(output);
        }

        _instant = time;
    }
}
