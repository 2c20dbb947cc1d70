using Monitor.Core.Market;
using Monitor.Core.Notifications;
using Monitor.Core.Pipeline;
using Monitor.Core.Rules;

namespace Monitor.Core.Backtesting;

/// <summary>
/// Replays stored events through the pipeline the live service runs and reports the alerts the rules raise.
/// <para>
/// Every instrument a rule reads is one stream of ticks (or, if it has no ticks in the range, of its stored bars of the
/// rules' intervals), and every such instrument one stream of inventory values. A heap merges the streams in
/// <see cref="EventOrder"/> and a <see cref="PipelineDriver"/> feeds the merged events to the rules, as it feeds them in the grains live.
/// Memory holds a block of ticks per instrument, the pipelines and the rules' windows: it does not grow
/// with the length of the range (the report's alerts aside).
/// </para>
/// </summary>
public sealed class BacktestEngine
{
    private const int ProgressEvery = 1 << 16;

    private readonly IReadOnlyList<RuleDefinition> _rules;
    private readonly Func<InstrumentId, IReadOnlyList<BarInterval>> _intervals;
    private readonly TimeProvider _clock;

    /// <param name="rules">The rules to run (valid definitions with distinct ids).</param>
    /// <param name="intervals">The bar intervals of an instrument, as its grain keeps them (<see cref="InstrumentDefinition.Intervals"/>).</param>
    /// <param name="clock">Measures the run's elapsed time only.</param>
    public BacktestEngine(IReadOnlyList<RuleDefinition> rules, Func<InstrumentId, IReadOnlyList<BarInterval>> intervals, TimeProvider? clock = null)
    {
        ArgumentNullException.ThrowIfNull(rules);
        ArgumentNullException.ThrowIfNull(intervals);
        _rules = rules;
        _intervals = intervals;
        _clock = clock ?? TimeProvider.System;
    }

    /// <summary>A run that raises more alerts fails: its report would be too large to keep (null: no limit).</summary>
    public int? MaxAlerts { get; init; }

    /// <summary>A notification policy to replay over the run's transitions (the report's <see cref="BacktestReport.Notifications"/>).</summary>
    public NotificationReplay? Notifications { get; init; }

    /// <summary>Hears the order of every event fed (tests check the merge with it).</summary>
    internal Action<EventOrder>? Trace { get; init; }

    /// <summary>Intervals from a catalog: the instrument's own, or the defaults for one the catalog does not know.</summary>
    public static Func<InstrumentId, IReadOnlyList<BarInterval>> IntervalsOf(InstrumentCatalog catalog)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return id => catalog.TryGet(id, out var definition) ? definition.Intervals : InstrumentDefinition.DefaultIntervals;
    }

    /// <summary>
    /// Runs the rules over the events of <paramref name="source"/> in [<paramref name="from"/>, <paramref name="to"/>)
    /// (open ends: everything stored). <paramref name="progress"/> hears the share of the range done, 0 to 1.
    /// </summary>
    public async Task<BacktestReport> RunAsync(
        IBacktestSource source, DateTimeOffset? from, DateTimeOffset? to, IProgress<double>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(source);
        long started = _clock.GetTimestamp();
        var rules = new RuleSet();
        var ignored = new List<AlertTransition>();
        foreach (var rule in _rules)
        {
            rules.Put(rule, ignored);
        }

        var instruments = EventOrder.SortInstruments(rules.Instruments);
        var start = from ?? DateTimeOffset.UnixEpoch;
        var end = to ?? DateTimeOffset.MaxValue;
        var run = new BacktestRun(rules, instruments, MaxAlerts ?? int.MaxValue, Notifications);
        var heap = new StreamHeap();
        var streams = new List<EventStream>();
        try
        {
            var extent = await OpenStreamsAsync(source, rules, instruments, start, end, streams, cancellationToken).ConfigureAwait(false);
            foreach (var stream in streams)
            {
                if (await stream.FetchAsync().ConfigureAwait(false))
                {
                    heap.Add(stream);
                }
            }

            var meter = new ProgressMeter(progress, from ?? extent?.First, to is { } t && (extent is null || t < extent.Value.Last) ? t : extent?.Last);
            long events = 0;
            while (heap.Count > 0)
            {
                var stream = heap.Top;
                run.Before(stream.Key.Time);
                Trace?.Invoke(stream.Key);
                stream.Feed(run);
                if (stream.Advance() || await stream.FetchAsync().ConfigureAwait(false))
                {
                    heap.TopChanged();
                }
                else
                {
                    heap.RemoveTop();
                }

                if (++events % ProgressEvery == 0)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    meter.Report(stream.Key.Time);
                }
            }

            run.Finish(to);
            progress?.Report(1);
        }
        finally
        {
            foreach (var stream in streams)
            {
                await stream.DisposeAsync().ConfigureAwait(false);
            }
        }

        var first = run.FirstEvent == long.MaxValue ? (DateTimeOffset?)null : new DateTimeOffset(run.FirstEvent, TimeSpan.Zero);
        var last = run.LastEvent == long.MinValue ? (DateTimeOffset?)null : new DateTimeOffset(run.LastEvent, TimeSpan.Zero);
        var covered = (to ?? last ?? start) - (from ?? first ?? start);
        var counts = new BacktestCounts(
            run.Ticks, run.Duplicates, run.Late, run.Bars, run.InventoryValues, run.TransitionCount, instruments.Length, first, last,
            _clock.GetElapsedTime(started));
        return new BacktestReport([.. _rules], from, to, counts, [.. run.Alerts], run.Statistics(covered))
        {
            Notifications = Notifications?.Finish(to ?? last ?? start),
        };
    }

    /// <summary>Opens the streams of every instrument the rules read; returns the span of their ticks (for progress).</summary>
    private async Task<DataExtent?> OpenStreamsAsync(
        IBacktestSource source, RuleSet rules, InstrumentId[] instruments, DateTimeOffset from, DateTimeOffset to, List<EventStream> streams, CancellationToken cancellationToken)
    {
        var ruleIntervals = rules.Rules.Select(r => r.Definition.Interval).Distinct().OrderBy(i => i.Length).ToArray();
        DataExtent? extent = null;
        for (int i = 0; i < instruments.Length; i++)
        {
            var id = instruments[i];
            streams.Add(new InventoryStream(source.ReadInventoryAsync(id, from, to, cancellationToken).GetAsyncEnumerator(cancellationToken), i));
            if (await source.FindTicksAsync(id, from, to, cancellationToken).ConfigureAwait(false) is { } ticks)
            {
                extent = extent is { } e ? new DataExtent(Min(e.First, ticks.First), Max(e.Last, ticks.Last)) : ticks;
                var pipeline = new InstrumentPipeline(id, _intervals(id), InstrumentCatalog.StandardIndicators);
                streams.Add(new TickStream(source.ReadTicksAsync(id, from, to, cancellationToken).GetAsyncEnumerator(cancellationToken), pipeline, i));
                continue;
            }

            for (int k = 0; k < ruleIntervals.Length; k++)
            {
                // A bar is an event at its close, so the range applies to closes: opens from one interval earlier.
                var interval = ruleIntervals[k];
                var bars = source.ReadBarsAsync(id, interval, SafeSubtract(from, interval.Length), SafeSubtract(to, interval.Length), cancellationToken);
                streams.Add(new BarStream(bars.GetAsyncEnumerator(cancellationToken), id, interval, i, k));
            }
        }

        return extent;
    }

    private static DateTimeOffset SafeSubtract(DateTimeOffset time, TimeSpan span) =>
        time - DateTimeOffset.MinValue > span ? time - span : DateTimeOffset.MinValue;

    private static DateTimeOffset Min(DateTimeOffset a, DateTimeOffset b) => a < b ? a : b;

    private static DateTimeOffset Max(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;

    /// <summary>Share of the range done by event time.</summary>
    private sealed class ProgressMeter(IProgress<double>? progress, DateTimeOffset? first, DateTimeOffset? last)
    {
        public void Report(long time)
        {
            if (progress is null || first is not { } a || last is not { } b || b <= a)
            {
                return;
            }

            progress.Report(Math.Clamp((double)(time - a.UtcTicks) / (b.UtcTicks - a.UtcTicks), 0, 1));
        }
    }
}
