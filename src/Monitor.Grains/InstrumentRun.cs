using Monitor.Core.Market;
using Monitor.Core.Pipeline;
using Monitor.Core.Ports;
using Monitor.Core.Rules;
using Monitor.Grains.Rules;
using Monitor.Grains.Telemetry;

namespace Monitor.Grains;

/// <summary>
/// An instrument's pipeline and the rules over this instrument alone, driven by one <see cref="PipelineDriver"/> as
/// its grain receives ticks and inventory, with their state to save and restore and their warm-up from stored bars.
/// The alert transitions they raise collect in <see cref="Transitions"/> until the grain publishes them, the bars the
/// pipeline closes until the grain stores them (<see cref="StoreClosedBarsAsync"/>).
/// </summary>
internal sealed class InstrumentRun
{
    private readonly InstrumentPipeline _pipeline;
    private readonly RuleSet _rules = new();
    private readonly RuleEvaluationTimer _time = new("instrument");
    private readonly PipelineDriver _driver;
    private readonly List<ClosedBar> _closed = [];

    public InstrumentRun(InstrumentPipeline pipeline)
    {
        _pipeline = pipeline;
        _driver = new PipelineDriver(_rules, AdvancePolicy.PerBatch);
    }

    public List<AlertTransition> Transitions { get; } = [];

    public InstrumentId Instrument => _pipeline.Instrument;

    public IReadOnlyList<RuleEvaluator> Rules => _rules.Rules;

    /// <summary>When the last inventory value the rules have seen was received (saved, so activation feeds only later ones again).</summary>
    public DateTimeOffset InventoryReceivedThrough { get; private set; }

    /// <summary>The pipeline's bar intervals, finest first.</summary>
    public IReadOnlyList<BarInterval> Intervals => [.. _pipeline.Series.Select(s => s.Interval)];

    /// <summary>The bars the last tick applied closed (valid until the next one).</summary>
    public IReadOnlyList<ClosedBar> LastClosed => _driver.LastClosed;

    public RuleEvaluator? Find(string ruleId) => _rules.Find(ruleId);

    /// <summary>The bar being built for an interval, if any (closed bars are read from the bar store).</summary>
    public Bar? OpenBar(string interval) =>
        BarInterval.TryParse(interval, out var parsed, out _) ? _pipeline.Find(parsed)?.Aggregator.OpenBar : null;

    /// <summary>Indicator values over the closed bars of an interval, or null if the instrument has no such interval.</summary>
    public IndicatorSnapshot? Indicators(string interval)
    {
        if (!BarInterval.TryParse(interval, out var parsed, out _) || _pipeline.Find(parsed) is not { } series)
        {
            return null;
        }

        var values = new Dictionary<string, double>(StringComparer.Ordinal);
        series.CopyValues(values);
        return new IndicatorSnapshot(series.LastClosed?.Time, values);
    }

    /// <summary>Applies a tick to the pipeline and, unless dropped or late, to the rules: the bars it closed first.</summary>
    public TickDisposition Apply(in Tick tick)
    {
        long started = RuleEvaluationTimer.Start(_rules);
        var disposition = _driver.Tick(_pipeline, tick, Transitions);
        _time.Stop(started, disposition == TickDisposition.Applied ? _driver.LastClosed.Count + 1 : 0);
        _closed.AddRange(_driver.LastClosed);
        return disposition;
    }

    /// <summary>
    /// Applies the ticks stored after <paramref name="afterIndex"/> (after a restore), if <paramref name="mark"/>, the
    /// store's, goes past it; returns the last index read.
    /// </summary>
    public async Task<long> ReplayTicksAsync(ITickStore ticks, long afterIndex, TickMark mark, CancellationToken cancellationToken)
    {
        long last = afterIndex;
        // After a clean stop nothing is stored past the saved state: read nothing then. After a crash, only the ticks
        // from the open bar on: earlier ones would be late, which changes nothing but the last seq, and the mark has
        // that. Reading by index alone probes every day partition of PostgreSQL's tick table (hundreds, with a year
        // kept) for each instrument that wakes; with the time bound it reads the days since its saved state.
        var stored = mark.LastIndex > afterIndex
            ? ticks.ReadAfterAsync(_pipeline.Instrument, afterIndex, _pipeline.LateBefore, cancellationToken)
            : AsyncEnumerable.Empty<StoredTick>();
        await foreach (var tick in stored)
        {
            Apply(new Tick(_pipeline.Instrument, tick.Time, tick.Price, tick.Volume, tick.Seq));
            last = tick.Index;
        }

        _pipeline.SeenSeq(mark.LastSeq);
        EndBatch();
        return last;
    }

    /// <summary>Stores the bars closed since the last call.</summary>
    public async Task StoreClosedBarsAsync(IBarStore bars, CancellationToken cancellationToken)
    {
        foreach (var group in _closed.GroupBy(c => c.Interval))
        {
            await bars.UpsertAsync(_pipeline.Instrument, group.Key, group.Select(c => c.Bar).ToArray(), cancellationToken);
        }

        // Without its capacity: a replay or a large batch closes thousands of bars, which an instrument need not keep room for.
        _closed.Clear();
        _closed.TrimExcess();
    }

    /// <summary>Removes stored bars that open at or after the bar each interval has open (after a rebuild: they were
    /// closed by ticks that are gone).</summary>
    public async Task DeleteBarsFromOpenAsync(IBarStore bars, CancellationToken cancellationToken)
    {
        foreach (var series in _pipeline.Series)
        {
            if (series.Aggregator.State.ClosedBefore is var from && from != DateTimeOffset.MaxValue)
            {
                await bars.DeleteFromAsync(_pipeline.Instrument, series.Interval, from, cancellationToken);
            }
        }
    }

    /// <summary>Feeds the rules a batch of inventory values that are new or restated (not repeats).</summary>
    public void Inventory(InventoryBatch changed)
    {
        foreach (var value in changed.Values)
        {
            _driver.Inventory(value, Transitions);
        }

        InventoryReceivedThrough = changed.ReceivedAt;
    }

    /// <summary>After a batch: evaluations due by its last instant run now rather than at the next tick.</summary>
    public void EndBatch()
    {
        long started = RuleEvaluationTimer.Start(_rules);
        _driver.Advance(Transitions);
        _time.Stop(started, 0);
        _time.Record();
    }

    /// <summary>Adds, replaces or (null) removes a rule; returns the evaluator if one was added or replaced (it needs warming up).</summary>
    public RuleEvaluator? Put(string ruleId, RuleDefinition? definition)
    {
        if (definition is null)
        {
            _rules.Remove(ruleId, Transitions);
            return null;
        }

        return _rules.Put(definition, Transitions) == RuleChange.Unchanged ? null : _rules.Find(definition.Key);
    }

    /// <summary>
    /// Writes what <see cref="RestoreAsync"/> resumes from: the pipeline's open bars and last seq, the rules' state and
    /// the inventory they saw.
    /// </summary>
    public void SaveTo(InstrumentGrainState state)
    {
        state.Pipeline = _pipeline.State;
        state.Rules = _rules.Rules.Count > 0 ? RuleStateJson.Serialize(_rules.SaveState()) : null;
        state.InventoryReceivedThrough = InventoryReceivedThrough;
    }

    /// <summary>
    /// Resumes from a grain's saved state, if it was taken with this pipeline's intervals: the pipeline's indicators
    /// rebuilt from the stored bars before its open bars, the rules restored (after putting the current definitions)
    /// and warmed up. False if there is nothing usable to resume from.
    /// </summary>
    public async Task<bool> RestoreAsync(InstrumentGrainState saved, IBarStore bars, CancellationToken cancellationToken)
    {
        if (saved.Pipeline is not { } pipeline || !_pipeline.CanRestore(pipeline))
        {
            return false;
        }

        for (int i = 0; i < _pipeline.Series.Count; i++)
        {
            var series = _pipeline.Series[i];
            var restored = pipeline.Aggregators[i];
            var before = restored.OpenBar?.Bar.Time ?? restored.ClosedThrough;
            foreach (var bar in await bars.ReadAsync(_pipeline.Instrument, series.Interval, DateTimeOffset.MinValue, before, series.WarmUpBars, cancellationToken))
            {
                series.WarmUp(bar);
            }
        }

        _pipeline.Restore(pipeline);
        if (saved.Rules is { } rules)
        {
            _rules.RestoreState(RuleStateJson.Deserialize(rules), Transitions);
            await WarmUpAsync(bars, _rules.WarmUp, interval => _rules.WarmUpRange(_pipeline.Instrument, interval), cancellationToken);
        }

        return true;
    }

    /// <summary>Warms a rule just added or replaced up with the stored bars its indicators and windows need.</summary>
    public Task WarmUpAsync(RuleEvaluator evaluator, IBarStore bars, CancellationToken cancellationToken) =>
        WarmUpAsync(
            bars, evaluator.WarmUp,
            interval => new WarmUpRange(DateTimeOffset.MinValue, evaluator.Definition.Interval == interval ? evaluator.WarmUpBars : 0),
            cancellationToken);

    /// <summary>Feeds the rules the inventory received after <paramref name="receivedAfter"/> (after a restore, the saved receipt).</summary>
    public async Task ReplayInventoryAsync(IInventoryStore inventory, DateTimeOffset receivedAfter, CancellationToken cancellationToken) =>
        InventoryReceivedThrough = _rules.Rules.Any(r => r.Definition.ReadsInventoryOf(_pipeline.Instrument))
            ? await InventoryReplay.FeedAsync(inventory, _pipeline.Instrument, receivedAfter, _driver, Transitions, cancellationToken)
            : receivedAfter;

    /// <summary>Feeds stored closed bars, oldest first, to <paramref name="warmUp"/>: those <paramref name="range"/> asks for per interval, before the open bar.</summary>
    private async Task WarmUpAsync(IBarStore bars, WarmUpBar warmUp, Func<BarInterval, WarmUpRange> range, CancellationToken cancellationToken)
    {
        foreach (var series in _pipeline.Series)
        {
            var wanted = range(series.Interval);
            if (wanted.Limit == 0)
            {
                continue;
            }

            var before = series.Aggregator.State.ClosedBefore;
            foreach (var bar in await bars.ReadAsync(_pipeline.Instrument, series.Interval, wanted.From, before, wanted.Limit, cancellationToken))
            {
                warmUp(_pipeline.Instrument, series.Interval, bar);
            }
        }
    }

    private delegate void WarmUpBar(InstrumentId instrument, BarInterval interval, in Bar bar);
}
