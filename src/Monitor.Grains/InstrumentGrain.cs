using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Monitor.Core.Alerts;
using Monitor.Core.Derived;
using Monitor.Core.Market;
using Monitor.Core.Pipeline;
using Monitor.Core.Ports;
using Monitor.Core.Rules;
using Monitor.Grains.Alerts;
using Monitor.Grains.Derived;
using Monitor.Grains.Rules;
using Monitor.Grains.Telemetry;
using Monitor.Storage;
using Orleans.Runtime;

namespace Monitor.Grains;

/// <summary>
/// One instrument's live pipeline and the rules over this instrument alone (<see cref="InstrumentRun"/>). Ticks are
/// stored before they are acknowledged; state is written behind (<see cref="WriteBehind"/>). On activation the grain
/// restores that state, warms its indicators up from stored bars, and replays the ticks stored after the state's
/// watermark, so a killed silo loses nothing. Quotes go to the hubs through <see cref="QuotePublisher"/>; rules over
/// several instruments run in their own <see cref="IRuleGrain"/>, fed through <see cref="RuleGrainFeed"/>.
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
    StoreWriteFailures storeFailures,
    IOptions<InstrumentGrainOptions> options,
    ILogger<InstrumentGrain> logger) : Grain, IInstrumentGrain
{
    /// <summary>How often rule grains are fed what is due (and a waiting quote is flushed, should its own flush have been missed).</summary>
    private static readonly TimeSpan Housekeeping = TimeSpan.FromMilliseconds(100);

    private InstrumentId _id;
    private InstrumentRun _run = null!;
    private RuleGrainFeed _feed = null!;
    private IDerivedSeriesGrain[] _derived = [];
    private QuotePublisher _quotes = null!;
    private IGrainTimer _quoteFlush = null!;
    private WriteBehind _writeBehind = null!;
    private DateTimeOffset _inventoryReceivedThrough;
    private long _lastIndex;
    private long _lastIngest;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _id = InstrumentId.Parse(this.GetPrimaryKeyString());
        // Armed by the publisher only when a quote waits: an idle instrument has no short timer running.
        _quoteFlush = this.RegisterGrainTimer(
            _ => _quotes.FlushAsync(), new GrainTimerCreationOptions(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan));
        _writeBehind = new WriteBehind(WriteStateAsync);
        try
        {
            await StartAsync(cancellationToken);
        }
        catch (Exception e) when (StoreFailures.IsUnavailable(e))
        {
            throw storeFailures.Unavailable(e, $"activating {_id}");
        }

        _lastIngest = clock.GetTimestamp();
        this.RegisterGrainTimer(OnWriteTimerAsync, new GrainTimerCreationOptions(WriteBehind.Interval, WriteBehind.Interval));
        this.RegisterGrainTimer(OnTimerAsync, new GrainTimerCreationOptions(Housekeeping, Housekeeping));
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        if (reason.ReasonCode != DeactivationReasonCode.ApplicationError)
        {
            await _writeBehind.FlushAsync(cancellationToken);
        }
    }

    /// <summary>Deactivates so the next call rebuilds the pipeline from the current definition and the store.</summary>
    public Task ReloadAsync()
    {
        DeactivateOnIdle();
        return Task.CompletedTask;
    }

    public async Task<TickDeletion> DeleteTicksAsync(DateTimeOffset from, DateTimeOffset to, string by)
    {
        var deletion = await tickStore.DeleteRangeAsync(new TickDeletion(_id, from, to, by, clock.GetUtcNow(), Count: 0), _run.Intervals);
        logger.LogWarning(
            "{By} deleted {Count} ticks of {Instrument} from {From:O} to {To:O}; the grain rebuilds from the ticks that remain",
            by, deletion.Count, _id, from, to);

        // What the pipeline, the rules and the saved state hold came partly from the removed ticks: start again from
        // everything that remains, as for an instrument without saved state. Cleared first, so a crash midway does the same.
        await state.ClearStateAsync();
        await StartAsync(CancellationToken.None);
        // A removed tick dated ahead closed the bars open at the time: they are open again, not stored.
        await _run.DeleteBarsFromOpenAsync(barStore, CancellationToken.None);
        await _writeBehind.FlushAsync(CancellationToken.None);
        await _quotes.ChangedAsync();
        return deletion;
    }

    public async Task<IngestCounts> IngestAsync(TickBatch batch)
    {
        _lastIngest = clock.GetTimestamp();
        int accepted = 0, duplicates = 0, late = 0;
        // Sized for the batch and not kept: a list kept between calls would hold its largest batch's capacity in
        // every instrument for as long as it is active.
        var toStore = new StoredTick[batch.Ticks.Length];
        var toDerive = _derived.Length == 0 ? null : new List<FedTick>(batch.Ticks.Length);
        long afterIndex = _lastIndex;
        int stored = 0;
        foreach (var tick in batch.Ticks)
        {
            var disposition = _run.Apply(tick);
            if (disposition == TickDisposition.Duplicate)
            {
                duplicates++;
                continue;
            }

            bool applied = disposition == TickDisposition.Applied;
            accepted += applied ? 1 : 0;
            late += applied ? 0 : 1;
            toStore[stored++] = new StoredTick(++_lastIndex, tick.Time, tick.Price, tick.Volume, tick.Seq, Late: !applied);
            _feed.Stored(tick, _lastIndex, applied, _run.LastClosed);
            if (applied)
            {
                toDerive?.Add(new FedTick(tick, _lastIndex, null));
            }
        }

        _run.EndBatch();
        try
        {
            await tickStore.AppendAsync(_id, stored == toStore.Length ? toStore : toStore[..stored]);
            await _run.StoreClosedBarsAsync(barStore, CancellationToken.None);
            await alerts.PublishAsync(_run.Transitions);
        }
        catch (Exception e)
        {
            // The pipeline has moved past what is stored: start again from the store on the next call, and feed no rule
            // grain what may not be stored.
            _feed.Restart(_lastIndex);
            DeactivateOnIdle();
            if (StoreFailures.IsUnavailable(e))
            {
                throw storeFailures.Unavailable(e, $"storing ticks of {_id}");
            }

            logger.LogError(e, "Storing ticks of {Instrument} failed; the grain recovers from the store", _id);
            throw;
        }

        if (stored > 0)
        {
            _writeBehind.Changed();
        }

        MonitorMetrics.TicksAccepted.Add(accepted);
        MonitorMetrics.TicksDuplicate.Add(duplicates);
        MonitorMetrics.TicksLate.Add(late);
        if (accepted > 0)
        {
            await _quotes.ChangedAsync();
        }

        if (toDerive is not null && stored > 0)
        {
            var feed = new RuleFeed(_id, afterIndex, _lastIndex, [.. toDerive]);
            await FeedDerivedAsync(series => series.FeedAsync(feed));
        }

        return new IngestCounts(accepted, duplicates, late);
    }

    public async Task<InventoryIngestCounts> IngestInventoryAsync(InventoryBatch batch)
    {
        _lastIngest = clock.GetTimestamp();
        // Repeats of the latest version change nothing: not stored, not fed to rules, not pushed.
        IReadOnlyList<InventoryRevision> revisions;
        try
        {
            revisions = await inventoryStore.AppendChangesAsync(batch.Values, batch.ReceivedAt);
        }
        catch (Exception e) when (StoreFailures.IsUnavailable(e))
        {
            throw storeFailures.Unavailable(e, $"storing inventory of {_id}");
        }

        var changes = revisions.Where(r => r.Change != InventoryChange.Unchanged).ToArray();
        var counts = new InventoryIngestCounts(
            changes.Count(r => r.Change == InventoryChange.New), revisions.Count - changes.Length, changes.Count(r => r.Change == InventoryChange.Restated));
        if (changes.Length == 0)
        {
            return counts;
        }

        // Before the acknowledgement, like the values: a restatement the caller was told is stored has its deliveries.
        await alerts.PublishRestatementsAsync(InventoryRestatement.Of(changes));
        var changed = batch with { Values = [.. changes.Select(r => r.Value)] };
        MonitorMetrics.InventoryAccepted.Add(changed.Values.Length);
        foreach (var value in changed.Values)
        {
            _run.Inventory(value);
        }

        _inventoryReceivedThrough = batch.ReceivedAt;
        _writeBehind.Changed();
        await alerts.PublishAsync(_run.Transitions);

        // Before the acknowledgement, so the rule grains and derived series have it before any tick the client sends next.
        await _feed.FeedInventoryAsync(changed);
        await FeedDerivedAsync(series => series.FeedInventoryAsync(changed));
        await _quotes.InventoryAsync(changes);
        return counts;
    }

    public async Task SyncRuleAsync(string ruleId)
    {
        _lastIngest = clock.GetTimestamp();
        var stored = await ruleStore.GetAsync(ruleId);
        if (Track(ruleId, stored is null ? null : StoredRules.Parse(stored, logger)) is { } evaluator)
        {
            await _run.WarmUpAsync(evaluator, barStore, CancellationToken.None);
        }

        _feed.UpdateReaders(_lastIndex);
        _writeBehind.Changed();
        await alerts.PublishAsync(_run.Transitions);
    }

    public Task<RuleStatusView?> GetRuleStatusAsync(string ruleId) =>
        Task.FromResult(_run.Find(ruleId) is { } evaluator ? RuleStatusView.From(evaluator) : null);

    public Task<InstrumentSnapshot> GetSnapshotAsync() => Task.FromResult(_quotes.Snapshot());

    public Task<Bar?> GetOpenBarAsync(string interval) => Task.FromResult(_run.OpenBar(interval));

    public Task<IndicatorSnapshot?> GetIndicatorsAsync(string interval) => Task.FromResult(_run.Indicators(interval));

    /// <summary>Writes state behind; an instrument idle for <see cref="InstrumentGrainOptions.IdleAfter"/> then deactivates (and writes again if needed).</summary>
    private async Task OnWriteTimerAsync(CancellationToken cancellationToken)
    {
        await _writeBehind.FlushAsync(cancellationToken);
        if (clock.GetElapsedTime(_lastIngest) >= options.Value.IdleAfter)
        {
            DeactivateOnIdle();
        }
    }

    private Task OnTimerAsync(CancellationToken cancellationToken)
    {
        _feed.FeedIfDue();
        return _quotes.FlushAsync();
    }

    /// <summary>
    /// Feeds the derived series that read this instrument, once what they get is stored. One that fails here (its silo
    /// died) catches up from the store when the next feed shows the gap, or when it activates again.
    /// </summary>
    private async Task FeedDerivedAsync(Func<IDerivedSeriesGrain, Task> feed)
    {
        try
        {
            await Task.WhenAll(_derived.Select(feed));
        }
        catch (Exception e)
        {
            logger.LogWarning(e, "Feeding derived series from {Instrument} failed", _id);
        }
    }

    /// <summary>A rule over this instrument alone runs here, one over several that reads it is fed to its rule grain.</summary>
    private RuleEvaluator? Track(string ruleId, RuleDefinition? definition)
    {
        _feed.Track(ruleId, definition);
        return _run.Put(ruleId, definition?.LocalInstrument() == _id ? definition : null);
    }

    /// <summary>The definition from this silo's catalog, or from the registry when it was added on another silo just now.</summary>
    private async Task<InstrumentDefinition> FindDefinitionAsync()
    {
        foreach (var record in await GrainFactory.GetGrain<IInstrumentRegistryGrain>(0).GetAllAsync())
        {
            catalog.Put(record.ToDefinition());
        }

        return catalog.TryGet(_id, out var definition) ? definition : throw new InvalidOperationException($"unknown instrument {_id}");
    }

    /// <summary>
    /// Resumes from saved state and replays what was stored after it; without usable saved state (none yet, or the
    /// intervals changed) every stored tick and inventory value is replayed: bars, indicators and rules come out as they were.
    /// </summary>
    private async Task StartAsync(CancellationToken cancellationToken)
    {
        var definition = await FindDefinitionAsync();
        var pipeline = new InstrumentPipeline(_id, definition.Intervals, InstrumentCatalog.StandardIndicators);
        _run = new InstrumentRun(pipeline);
        // A rebuild's seq goes on above the previous run's, so clients see a gap and reload.
        _quotes = new QuotePublisher(
            pipeline, new RelayFanOut(GrainFactory, clock), clock, due => _quoteFlush.Change(due, Timeout.InfiniteTimeSpan), after: _quotes?.Seq ?? 0);
        _feed = new RuleGrainFeed(_id, pipeline.Series[0].Interval, id => GrainFactory.GetGrain<IRuleGrain>(id), clock, logger);
        _derived = [.. catalog.All
            .Where(d => d.Expression is not null && DerivedSeries.InputsOf(d.Expression).Contains(_id))
            .Select(d => GrainFactory.GetGrain<IDerivedSeriesGrain>(d.Id.Value))];
        await RecoverAsync(cancellationToken);
    }

    private async Task RecoverAsync(CancellationToken cancellationToken)
    {
        foreach (var definition in await StoredRules.LoadAsync(ruleStore, logger, cancellationToken))
        {
            Track(definition.Id, definition);
        }

        bool restored = await _run.RestoreAsync(state.State, barStore, cancellationToken);
        _lastIndex = restored ? state.State.TickWatermark : 0;
        var inventoryReceivedAfter = restored ? state.State.InventoryReceivedThrough : DateTimeOffset.MinValue;
        _inventoryReceivedThrough = await _run.ReplayInventoryAsync(inventoryStore, inventoryReceivedAfter, cancellationToken);
        long watermark = _lastIndex;
        _lastIndex = await _run.ReplayTicksAsync(tickStore, watermark, cancellationToken);
        // Indices are never reused, not even those of deleted ticks: rule grains read by index.
        _lastIndex = Math.Max(_lastIndex, (await tickStore.GetMarkAsync(_id, cancellationToken)).LastIndex);
        _feed.UpdateReaders(_lastIndex);
        await _run.StoreClosedBarsAsync(barStore, cancellationToken);
        await alerts.PublishAsync(_run.Transitions);
        if (_lastIndex > watermark)
        {
            _writeBehind.Changed();
            logger.LogInformation("{Instrument} replayed the ticks stored after index {Watermark} through {Last}", _id, watermark, _lastIndex);
        }
    }

    private async Task WriteStateAsync(CancellationToken cancellationToken)
    {
        _run.SaveTo(state.State);
        state.State.TickWatermark = _lastIndex;
        state.State.InventoryReceivedThrough = _inventoryReceivedThrough;
        await state.WriteStateAsync(cancellationToken);
    }
}
