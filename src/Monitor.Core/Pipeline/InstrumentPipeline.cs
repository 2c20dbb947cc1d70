using Monitor.Core.Indicators;
using Monitor.Core.Market;

namespace Monitor.Core.Pipeline;

/// <summary>What the pipeline did with one tick.</summary>
public enum TickDisposition
{
    /// <summary>Applied to the bars of every interval.</summary>
    Applied,

    /// <summary>Its <c>seq</c> was not above the last one seen: dropped.</summary>
    Duplicate,

    /// <summary>Its bar had already closed: kept by the caller, not applied.</summary>
    Late,
}

/// <summary>A bar that closed, with the interval it belongs to.</summary>
public readonly record struct ClosedBar(BarInterval Interval, Bar Bar);

/// <summary>
/// Everything one instrument computes from its ticks: bars of each interval, and the indicator set over each
/// interval's closed bars. Pure and deterministic: the instrument grain drives it live, the backtest engine over
/// stored ticks, and the same ticks give the same bars and values.
/// </summary>
/// <remarks>
/// Duplicates: a tick with a <c>seq</c> (above 0) not above the last seen is dropped. Late ticks: a tick whose bar
/// of the finest interval has closed is late and is applied to no interval (interval boundaries nest, so coarser
/// bars stay the sums of the finer ones).
/// </remarks>
public sealed class InstrumentPipeline
{
    private readonly IntervalSeries[] _series;

    public InstrumentPipeline(InstrumentId instrument, IEnumerable<BarInterval> intervals, IEnumerable<string> indicatorSpecs)
    {
        Instrument = instrument;
        var specs = indicatorSpecs.ToArray();
        _series = intervals
            .Distinct()
            .OrderBy(i => i.Length)
            .Select(i => new IntervalSeries(i, specs))
            .ToArray();
        if (_series.Length == 0)
        {
            throw new ArgumentException("an instrument needs at least one bar interval", nameof(intervals));
        }
    }

    public InstrumentId Instrument { get; }

    public IReadOnlyList<IntervalSeries> Series => _series;

    /// <summary>The highest <c>seq</c> seen (applied or late), 0 if none.</summary>
    public long LastSeq { get; private set; }

    /// <summary>The last tick applied, by arrival.</summary>
    public Tick? LastTick { get; private set; }

    /// <summary>
    /// What today's change is measured from: the close of the last completed bar of the coarsest interval (the
    /// previous day's close with daily bars), or, before one has closed, the open of the current one.
    /// </summary>
    public double? ReferencePrice => _series[^1].LastClosed?.Close ?? _series[^1].Aggregator.OpenBar?.Open;

    public IntervalSeries? Find(BarInterval interval) => Array.Find(_series, s => s.Interval == interval);

    /// <summary>Every tick before this time is late: its bar of the finest interval has closed.</summary>
    public DateTimeOffset LateBefore => _series[0].Aggregator.LateBefore;

    /// <summary>Counts <paramref name="seq"/> as seen, as a late tick with it would: a replay that skips late ticks
    /// gives it the highest <c>seq</c> stored, so their retries are still duplicates.</summary>
    public void SeenSeq(long seq) => LastSeq = Math.Max(LastSeq, seq);

    /// <summary>Whether a tick would be dropped as a duplicate.</summary>
    public bool IsDuplicate(long seq) => seq > 0 && seq <= LastSeq;

    /// <summary>Applies one tick; bars it closes are added to <paramref name="closed"/> finest interval first.</summary>
    public TickDisposition Apply(in Tick tick, List<ClosedBar> closed)
    {
        if (IsDuplicate(tick.Seq))
        {
            return TickDisposition.Duplicate;
        }

        LastSeq = Math.Max(LastSeq, tick.Seq);
        if (_series[0].Aggregator.IsLate(tick.Time))
        {
            return TickDisposition.Late;
        }

        foreach (var series in _series)
        {
            if (series.Add(tick, out var bar))
            {
                closed.Add(new ClosedBar(series.Interval, bar));
            }
        }

        LastTick = tick;
        return TickDisposition.Applied;
    }

    /// <summary>What must be saved to resume exactly here, given the stored closed bars for the indicators.</summary>
    public PipelineState State =>
        new(LastSeq, LastTick, [.. _series.Select(s => s.Interval.Name)], [.. _series.Select(s => s.Aggregator.State)]);

    /// <summary>Whether saved state was taken with this pipeline's intervals, so <see cref="Restore"/> can use it.</summary>
    public bool CanRestore(PipelineState state) => state.Intervals.SequenceEqual(_series.Select(s => s.Interval.Name));

    /// <summary>Resumes from saved state; feed the indicators with <see cref="IntervalSeries.WarmUp"/> first.</summary>
    public void Restore(PipelineState state)
    {
        if (!CanRestore(state))
        {
            throw new ArgumentException("the saved state has a different set of intervals", nameof(state));
        }

        LastSeq = state.LastSeq;
        LastTick = state.LastTick;
        for (int i = 0; i < _series.Length; i++)
        {
            _series[i].Restore(state.Aggregators[i]);
        }
    }
}

/// <summary>Saved state of an <see cref="InstrumentPipeline"/>; intervals and their aggregators finest first.</summary>
public sealed record PipelineState(long LastSeq, Tick? LastTick, IReadOnlyList<string> Intervals, IReadOnlyList<BarAggregatorState> Aggregators);

/// <summary>One interval's bars and the indicators computed over its closed bars.</summary>
public sealed class IntervalSeries
{
    private readonly Indicator[] _indicators;

    internal IntervalSeries(BarInterval interval, string[] indicatorSpecs)
    {
        Interval = interval;
        Aggregator = new BarAggregator(interval);
        _indicators = indicatorSpecs.Select(IndicatorSpec.Create).ToArray();
    }

    public BarInterval Interval { get; }

    public BarAggregator Aggregator { get; private set; }

    public IReadOnlyList<Indicator> Indicators => _indicators;

    public Bar? LastClosed { get; private set; }

    /// <summary>Bars to replay into a fresh series so every indicator is past its convergence window.</summary>
    public int WarmUpBars => _indicators.Length == 0 ? 1 : _indicators.Max(i => i.ConvergencePeriod);

    /// <summary>Feeds a stored closed bar (oldest first) to the indicators, as on a close.</summary>
    public void WarmUp(in Bar closed) => Close(closed);

    /// <summary>Every indicator output that has a value, keyed as in the API (<c>macd(12,26,9).signal</c>).</summary>
    public void CopyValues(IDictionary<string, double> values)
    {
        foreach (var indicator in _indicators)
        {
            for (int i = 0; i < indicator.Outputs.Count; i++)
            {
                if (indicator.Output(i) is { } value)
                {
                    values[indicator.OutputKey(i)] = value;
                }
            }
        }
    }

    internal bool Add(in Tick tick, out Bar closed)
    {
        if (Aggregator.Add(tick, out closed) != BarUpdate.Closed)
        {
            return false;
        }

        Close(closed);
        return true;
    }

    internal void Restore(BarAggregatorState state) => Aggregator = new BarAggregator(Interval, state);

    private void Close(in Bar bar)
    {
        LastClosed = bar;
        foreach (var indicator in _indicators)
        {
            indicator.Update(bar);
        }
    }
}
