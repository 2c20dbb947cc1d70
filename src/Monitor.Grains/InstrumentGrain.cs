using Microsoft.Extensions.Logging;
using Monitor.Core.Market;
using Monitor.Core.Pipeline;
using Monitor.Core.Ports;
using Monitor.Core.Rules;
using Monitor.Grains.Alerts;
using Monitor.Grains.Rules;
using Monitor.Grains.Telemetry;
using Orleans.Runtime;

namespace Monitor.Grains;

/// <summary>What an instrument grain persists: the pipeline's open bars and last seq, its rules' state, and the stored tick both reflect.</summary>
[GenerateSerializer, Alias("Monitor.InstrumentGrainState")]
public sealed class InstrumentGrainState
{
    [Id(0)] public PipelineState? Pipeline { get; set; }

    /// <summary>Index of the last stored tick the saved pipeline includes; ticks after it are replayed on activation.</summary>
    [Id(1)] public long TickWatermark { get; set; }

    /// <summary>The state of the rules over this instrument alone, as <see cref="RuleStateJson"/> writes it.</summary>
    [Id(2)] public string? Rules { get; set; }

    /// <summary>When the last inventory value the saved rules have seen was received; later ones are fed again on activation.</summary>
    [Id(3)] public DateTimeOffset InventoryReceivedThrough { get; set; }
}

/// <summary>
/// One instrument's live pipeline and the rules over this instrument alone. Ticks are stored before they are
/// acknowledged; the pipeline and rule state is written behind on a timer and on deactivation. On activation the
/// grain restores that state, warms its indicators up from stored bars, and replays the ticks stored after the
/// state's watermark, so a killed silo loses nothing. Rules over several instruments run in their own
/// <see cref="IRuleGrain"/>, which this grain feeds what it stored, on the quote timer.
/// </summary>
public sealed class InstrumentGrain(
    [PersistentState("instrument", MonitorGrainStorage.Name)] IPersistentState<InstrumentGrainState> state,
    ITickStore tickStore,
    IBarStore barStore,
    IInventoryStore inventoryStore,
    IRuleStore ruleStore,
    AlertPublisher alerts,
    InstrumentCatalog catalog,
    TimeProvider clock,
    ILogger<InstrumentGrain> logger) : Grain, IInstrumentGrain
{
    private static readonly TimeSpan StateWriteInterval = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Quotes are coalesced: at most one push per instrument per interval, with the latest state. The first change
    /// after a quiet interval goes out at once; changes within an interval go out with the timer at its end.
    /// </summary>
    private static readonly TimeSpan QuoteInterval = TimeSpan.FromMilliseconds(100);


    private readonly List<ClosedBar> _closed = [];
    private readonly List<StoredTick> _toStore = [];
    private readonly List<AlertTransition> _transitions = [];
    private readonly RuleEvaluationTimer _ruleTime = new("instrument");
    private readonly RuleFeedBuffer _feed = new();
    private readonly Dictionary<string, RuleDefinition> _sharedRules = new(StringComparer.Ordinal);
    private InstrumentPipeline _pipeline = null!;
    private InstrumentId _id;
    private RelayFanOut _relays = null!;
    private RuleSet _rules = new();
    private IRuleGrain[] _tickReaders = [];
    private IRuleGrain[] _inventoryReaders = [];
    private Task _forwarding = Task.CompletedTask;
    private DateTimeOffset _inventoryReceivedThrough;
    private BarInterval? _feedGrid;
    private long _lastRuleFeed;
    private long _lastIndex;
    private bool _dirty;
    private bool _quoteDue;
    private long _quoteDueSince;
    private long _lastPush;

    // Push seq: consecutive within an activation, and starting above any earlier activation's (activation time
    // in ms x 1000), so a client sees a gap, and reloads, whenever it may have missed something.
    private long _pushSeq;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _id = InstrumentId.Parse(this.GetPrimaryKeyString());
        var definition = await FindDefinitionAsync();

        _pipeline = new InstrumentPipeline(_id, definition.Intervals, InstrumentCatalog.StandardIndicators);
        _relays = new RelayFanOut(GrainFactory, clock);
        _pushSeq = clock.GetUtcNow().ToUnixTimeMilliseconds() * 1000;
        await RecoverAsync(cancellationToken);
        this.RegisterGrainTimer(WriteStateAsync, new GrainTimerCreationOptions(StateWriteInterval, StateWriteInterval));
        this.RegisterGrainTimer(OnQuoteTimerAsync, new GrainTimerCreationOptions(QuoteInterval, QuoteInterval));
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        if (reason.ReasonCode != DeactivationReasonCode.ApplicationError)
        {
            await WriteStateAsync(cancellationToken);
        }
    }

    /// <summary>Deactivates so the next call rebuilds the pipeline from the current definition and the store.</summary>
    public Task ReloadAsync()
    {
        DeactivateOnIdle();
        return Task.CompletedTask;
    }

    public async Task<IngestCounts> IngestAsync(TickBatch batch)
    {
        int accepted = 0, duplicates = 0, late = 0;
        _toStore.Clear();
        _closed.Clear();
        foreach (var tick in batch.Ticks)
        {
            switch (Apply(tick))
            {
                case TickDisposition.Duplicate:
                    duplicates++;
                    continue;
                case TickDisposition.Late:
                    late++;
                    _toStore.Add(new StoredTick(++_lastIndex, tick.Time, tick.Price, tick.Volume, tick.Seq, Late: true));
                    break;
                default:
                    accepted++;
                    _toStore.Add(new StoredTick(++_lastIndex, tick.Time, tick.Price, tick.Volume, tick.Seq, Late: false));
                    break;
            }
        }

        AdvanceRules();
        try
        {
            await tickStore.AppendAsync(_id, _toStore.ToArray());
            await StoreClosedBarsAsync(CancellationToken.None);
            await alerts.PublishAsync(_transitions);
        }
        catch (Exception e)
        {
            // The pipeline has moved past what is stored: start again from the store on the next call.
            logger.LogError(e, "Storing ticks of {Instrument} failed; the grain recovers from the store", _id);
            DeactivateOnIdle();
            throw;
        }

        _dirty |= _toStore.Count > 0;
        if (_tickReaders.Length > 0)
        {
            foreach (var stored in _toStore)
            {
                _feed.Stored(new Tick(_id, stored.Time, stored.Price, stored.Volume, stored.Seq), stored.Index, applied: !stored.Late);
            }
        }

        if (accepted > 0 && !_quoteDue)
        {
            _quoteDue = true;
            _quoteDueSince = clock.GetTimestamp();
        }

        MonitorMetrics.TicksAccepted.Add(accepted);
        MonitorMetrics.TicksDuplicate.Add(duplicates);
        MonitorMetrics.TicksLate.Add(late);
        if (_quoteDue && clock.GetElapsedTime(_lastPush) >= QuoteInterval)
        {
            await PushQuoteAsync(CancellationToken.None);
        }

        return new IngestCounts(accepted, duplicates, late);
    }

    public async Task<InventoryIngestCounts> IngestInventoryAsync(InventoryBatch batch)
    {
        // Repeats of the latest version change nothing: not stored, not fed to rules, not pushed.
        var revisions = await inventoryStore.AppendChangesAsync(batch.Values, batch.ReceivedAt);
        var changes = revisions.Where(r => r.Change != InventoryChange.Unchanged).ToArray();
        var counts = new InventoryIngestCounts(
            changes.Count(r => r.Change == InventoryChange.New), revisions.Count - changes.Length, changes.Count(r => r.Change == InventoryChange.Restated));
        if (changes.Length == 0)
        {
            return counts;
        }

        var changed = batch with { Values = [.. changes.Select(r => r.Value)] };
        MonitorMetrics.InventoryAccepted.Add(changed.Values.Length);
        foreach (var value in changed.Values)
        {
            _rules.OnInventory(value, _transitions);
        }

        _inventoryReceivedThrough = batch.ReceivedAt;
        _dirty = true;
        await alerts.PublishAsync(_transitions);

        // Before the acknowledgement, so the rule grains have it before any tick the client sends next. The values are
        // stored: a rule grain that fails here (its silo died) reads them from the store when it activates again, and
        // failing the request would only make the client store them twice.
        try
        {
            await Task.WhenAll(_inventoryReaders.Select(rule => rule.FeedInventoryAsync(changed)));
        }
        catch (Exception e)
        {
            logger.LogWarning(e, "Feeding inventory of {Instrument} to rule grains failed", _id);
        }

        foreach (var (value, change, _) in changes)
        {
            var message = new InventoryMessage(
                _id.Value, value.Series, value.AsOf.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
                value.Quantity, value.Unit.Symbol(), ++_pushSeq, value.Location, change == InventoryChange.Restated);
            await _relays.SendAsync(relay => relay.OnInventoryAsync(message));
        }

        return counts;
    }

    public async Task SyncRuleAsync(string ruleId)
    {
        var stored = await ruleStore.GetAsync(ruleId);
        if (Track(ruleId, stored is null ? null : StoredRules.Parse(stored, logger)) is { } evaluator)
        {
            await WarmUpAsync(
                evaluator.WarmUp, interval => new WarmUpRange(DateTimeOffset.MinValue, evaluator.Definition.Interval == interval ? evaluator.WarmUpBars : 0), CancellationToken.None);
        }

        UpdateRuleReaders();
        _dirty = true;
        await alerts.PublishAsync(_transitions);
    }

    public Task<RuleStatusView?> GetRuleStatusAsync(string ruleId) =>
        Task.FromResult(_rules.Find(ruleId) is { } evaluator ? RuleStatusView.From(evaluator) : null);

    public Task<InstrumentSnapshot> GetSnapshotAsync()
    {
        var last = _pipeline.LastTick;
        double? previous = _pipeline.ReferencePrice;
        double? change = last is { } t && previous is { } p && p != 0 ? (t.Price - p) / p * 100 : null;
        var indicators = new Dictionary<string, double>(StringComparer.Ordinal);
        _pipeline.Series[0].CopyValues(indicators);
        return Task.FromResult(new InstrumentSnapshot(_id, last?.Price, last?.Time, change, indicators, _pushSeq));
    }

    public Task<Bar?> GetOpenBarAsync(string interval) =>
        Task.FromResult(BarInterval.TryParse(interval, out var parsed, out _) ? _pipeline.Find(parsed)?.Aggregator.OpenBar : null);

    public Task<IndicatorSnapshot?> GetIndicatorsAsync(string interval)
    {
        if (!BarInterval.TryParse(interval, out var parsed, out _) || _pipeline.Find(parsed) is not { } series)
        {
            return Task.FromResult<IndicatorSnapshot?>(null);
        }

        var values = new Dictionary<string, double>(StringComparer.Ordinal);
        series.CopyValues(values);
        return Task.FromResult<IndicatorSnapshot?>(new IndicatorSnapshot(series.LastClosed?.Time, values));
    }

    private async Task OnQuoteTimerAsync(CancellationToken cancellationToken)
    {
        FeedRuleGrains();
        await PushQuoteAsync(cancellationToken);
    }

    /// <summary>Applies one tick to the pipeline and, unless dropped or late, to the rules: the bars it closed first.</summary>
    private TickDisposition Apply(in Tick tick)
    {
        int closedBefore = _closed.Count;
        var disposition = _pipeline.Apply(tick, _closed);
        if (disposition == TickDisposition.Applied)
        {
            long started = RuleEvaluationTimer.Start(_rules);
            for (int i = closedBefore; i < _closed.Count; i++)
            {
                _rules.OnBarClosed(_id, _closed[i], _transitions);
            }

            _rules.OnTick(tick, _transitions);
            _ruleTime.Stop(started, _closed.Count - closedBefore + 1);
        }

        return disposition;
    }

    /// <summary>After a batch: evaluations due by the last applied tick run now rather than at the next tick.</summary>
    private void AdvanceRules()
    {
        if (_pipeline.LastTick is { } last && _rules.Rules.Count > 0)
        {
            long started = RuleEvaluationTimer.Start(_rules);
            _rules.AdvanceTo(last.Time, _transitions);
            _ruleTime.Stop(started, 0);
        }

        _ruleTime.Record();
    }

    /// <summary>
    /// Sends what was stored since the last feed to the rule grains that read this instrument; one feed in flight at a
    /// time. Rules on bar closes are fed at least every <see cref="RuleGrainOptions.FeedInterval"/>, and at the next quote
    /// tick when a bar closed (they evaluate then); rules on every tick at every quote tick.
    /// </summary>
    private void FeedRuleGrains()
    {
        if (_feed.IsEmpty || !_forwarding.IsCompleted
            || (_feedGrid is not null && !_feed.CrossedBar && clock.GetElapsedTime(_lastRuleFeed) < RuleGrainOptions.FeedInterval))
        {
            return;
        }

        _lastRuleFeed = clock.GetTimestamp();
        var ticks = _feed.Take(_id);
        _forwarding = SendAsync([.. _tickReaders.Select(rule => rule.FeedAsync(ticks))]);

        async Task SendAsync(Task[] sends)
        {
            try
            {
                await Task.WhenAll(sends);
            }
            catch (Exception e)
            {
                // A rule grain that missed ticks reads them from the store when the next feed shows the gap.
                logger.LogWarning(e, "Feeding rule grains from {Instrument} failed", _id);
            }
        }
    }

    /// <summary>
    /// Takes one rule's current definition (null: deleted): a rule over this instrument alone runs here, one over
    /// several that reads this instrument is fed through its rule grain. Returns the evaluator if one was added or
    /// replaced here (it needs warming up).
    /// </summary>
    private RuleEvaluator? Track(string ruleId, RuleDefinition? definition)
    {
        if (definition is not null && definition.LocalInstrument() == _id)
        {
            _sharedRules.Remove(ruleId);
            return _rules.Put(definition, _transitions) == RuleChange.Unchanged ? null : _rules.Find(ruleId);
        }

        _rules.Remove(ruleId, _transitions);
        if (definition is not null && definition.LocalInstrument() is null && (definition.ReadsTicksOf(_id) || definition.ReadsInventoryOf(_id)))
        {
            _sharedRules[ruleId] = definition;
        }
        else
        {
            _sharedRules.Remove(ruleId);
        }

        return null;
    }

    /// <summary>Who gets this instrument's feed: the rule grains of the rules over several instruments that read it.</summary>
    private void UpdateRuleReaders()
    {
        var shared = _sharedRules.Values;
        bool hadReaders = _tickReaders.Length > 0;
        var tickReaders = shared.Where(d => d.ReadsTicksOf(_id)).ToList();
        _tickReaders = [.. tickReaders.Select(d => GrainFactory.GetGrain<IRuleGrain>(d.Id))];
        _inventoryReaders = [.. shared.Where(d => d.ReadsInventoryOf(_id)).Select(d => GrainFactory.GetGrain<IRuleGrain>(d.Id))];

        // Rules that evaluate on bar closes are fed the ticks that shape each bar; rules on every tick get every tick.
        _feedGrid = tickReaders.Exists(d => d.Evaluate == EvaluationMode.Tick) ? null : _pipeline.Series[0].Interval;
        if (hadReaders)
        {
            _feed.UseGrid(_feedGrid);
        }
        else
        {
            _feed.Reset(_lastIndex, _feedGrid);
        }
    }

    /// <summary>Feeds stored closed bars, oldest first, to <paramref name="warmUp"/>: those <paramref name="bars"/> asks for per interval, before the open bar.</summary>
    private async Task WarmUpAsync(WarmUpBar warmUp, Func<BarInterval, WarmUpRange> bars, CancellationToken cancellationToken)
    {
        foreach (var series in _pipeline.Series)
        {
            var range = bars(series.Interval);
            if (range.Limit == 0)
            {
                continue;
            }

            var before = series.Aggregator.State.ClosedBefore;
            foreach (var bar in await barStore.ReadAsync(_id, series.Interval, range.From, before, range.Limit, cancellationToken))
            {
                warmUp(_id, series.Interval, bar);
            }
        }
    }

    private delegate void WarmUpBar(InstrumentId instrument, BarInterval interval, in Bar bar);

    private async Task PushQuoteAsync(CancellationToken cancellationToken)
    {
        if (!_quoteDue || _pipeline.LastTick is not { } last)
        {
            return;
        }

        _quoteDue = false;
        _lastPush = clock.GetTimestamp();
        var snapshot = await GetSnapshotAsync();
        var finest = _pipeline.Series[0];
        QuoteBar? bar = finest.Aggregator.OpenBar is { } open
            ? new QuoteBar(finest.Interval.Name, open.Time, open.Open, open.High, open.Low, open.Close, open.Volume)
            : null;
        var quote = new QuoteMessage(_id.Value, last.Time, last.Price, snapshot.ChangePct, bar, snapshot.Indicators, ++_pushSeq);
        await _relays.SendAsync(relay => relay.OnQuoteAsync(quote));
        MonitorMetrics.HubPushLag.Record(clock.GetElapsedTime(_quoteDueSince).TotalMilliseconds);
    }

    /// <summary>The definition from this silo's catalog, or from the registry when it was added on another silo just now.</summary>
    private async Task<InstrumentDefinition> FindDefinitionAsync()
    {
        foreach (var record in await GrainFactory.GetGrain<IInstrumentRegistryGrain>(0).GetAllAsync())
        {
            catalog.Put(record.ToDefinition());
        }

        return catalog.TryGet(_id, out var definition)
            ? definition
            : throw new InvalidOperationException($"unknown instrument {_id}");
    }

    private async Task RecoverAsync(CancellationToken cancellationToken)
    {
        foreach (var definition in await StoredRules.LoadAsync(ruleStore, logger, cancellationToken))
        {
            Track(definition.Id, definition);
        }

        UpdateRuleReaders();
        long watermark = 0;
        var inventoryReceivedAfter = DateTimeOffset.MinValue;
        if (state.State.Pipeline is { } saved && _pipeline.CanRestore(saved))
        {
            for (int i = 0; i < _pipeline.Series.Count; i++)
            {
                var series = _pipeline.Series[i];
                var restored = saved.Aggregators[i];
                var before = restored.OpenBar?.Bar.Time ?? restored.ClosedThrough;
                var warmUp = await barStore.ReadAsync(_id, series.Interval, DateTimeOffset.MinValue, before, series.WarmUpBars, cancellationToken);
                foreach (var bar in warmUp)
                {
                    series.WarmUp(bar);
                }
            }

            _pipeline.Restore(saved);
            watermark = state.State.TickWatermark;
            if (state.State.Rules is { } rules)
            {
                _rules.RestoreState(RuleStateJson.Deserialize(rules), _transitions);
            }

            await WarmUpAsync(_rules.WarmUp, interval => _rules.WarmUpRange(_id, interval), cancellationToken);
            inventoryReceivedAfter = state.State.InventoryReceivedThrough;
        }

        // Without usable saved state (none yet, or the intervals changed) every stored tick and inventory value is
        // replayed: bars, indicators and rules come out as they were.
        await ReplayInventoryAsync(inventoryReceivedAfter, cancellationToken);
        _lastIndex = watermark;
        int replayed = 0;
        await foreach (var stored in tickStore.ReadAfterAsync(_id, watermark, cancellationToken))
        {
            Apply(new Tick(_id, stored.Time, stored.Price, stored.Volume, stored.Seq));
            _lastIndex = stored.Index;
            replayed++;
        }

        AdvanceRules();
        _feed.Reset(_lastIndex, _feedGrid);
        await StoreClosedBarsAsync(cancellationToken);
        await alerts.PublishAsync(_transitions);
        _dirty = replayed > 0;
        if (replayed > 0 && logger.IsEnabled(LogLevel.Information))
        {
            logger.LogInformation("{Instrument} replayed {Count} stored ticks after index {Watermark}", _id, replayed, watermark);
        }
    }

    /// <summary>Feeds the rules the inventory received after the saved state was written (lost with the silo otherwise).</summary>
    private async Task ReplayInventoryAsync(DateTimeOffset receivedAfter, CancellationToken cancellationToken)
    {
        _inventoryReceivedThrough = _rules.Rules.Any(r => r.Definition.ReadsInventoryOf(_id))
            ? await InventoryReplay.FeedAsync(inventoryStore, _id, receivedAfter, _rules, _transitions, cancellationToken)
            : receivedAfter;
    }

    private async Task StoreClosedBarsAsync(CancellationToken cancellationToken)
    {
        if (_closed.Count == 0)
        {
            return;
        }

        foreach (var group in _closed.GroupBy(c => c.Interval))
        {
            await barStore.UpsertAsync(_id, group.Key, group.Select(c => c.Bar).ToArray(), cancellationToken);
        }

        _closed.Clear();
    }

    private async Task WriteStateAsync(CancellationToken cancellationToken)
    {
        if (!_dirty)
        {
            return;
        }

        state.State.Pipeline = _pipeline.State;
        state.State.TickWatermark = _lastIndex;
        state.State.Rules = _rules.Rules.Count > 0 ? RuleStateJson.Serialize(_rules.SaveState()) : null;
        state.State.InventoryReceivedThrough = _inventoryReceivedThrough;
        await state.WriteStateAsync(cancellationToken);
        _dirty = false;
    }
}

public static class MonitorGrainStorage
{
    /// <summary>The grain storage provider name grains persist their state with.</summary>
    public const string Name = "monitor";
}
