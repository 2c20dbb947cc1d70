using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Monitor.Core.Alerts;
using Monitor.Core.Market;
using Monitor.Core.Pipeline;
using Monitor.Core.Ports;
using Monitor.Grains.Alerts;
using Monitor.Grains.Rules;
using Monitor.Grains.Telemetry;
using Monitor.Storage;
using Orleans.Runtime;

namespace Monitor.Grains;

/// <summary>
/// One instrument's live pipeline and the rules over this instrument alone, as a shell of storage, timers and push
/// around the <see cref="InstrumentParts"/> of its activation. Ticks are numbered and stored before they are
/// acknowledged; state is written behind (<see cref="WriteBehind"/>). On activation the grain restores that state and
/// replays what was stored after it, so a killed silo loses nothing.
/// </summary>
public sealed class InstrumentGrain(
    [PersistentState("instrument", MonitorGrainStorage.Name)] IPersistentState<InstrumentGrainState> state,
    ITickStore tickStore,
    IBarStore barStore,
    IInventoryStore inventoryStore,
    IRuleStore ruleStore,
    IInstrumentSnapshotStore snapshots,
    AlertPublisher alerts,
    InstrumentCatalog catalog,
    TimeProvider clock,
    StoreWriteFailures storeFailures,
    RelayOutbox relays,
    IOptions<InstrumentGrainOptions> options,
    ILogger<InstrumentGrain> logger) : Grain, IInstrumentGrain
{
    private InstrumentId _id;
    private InstrumentParts _parts = null!;
    private HousekeepingSchedule _housekeeping = null!;
    private WriteBehind _writeBehind = null!;
    private IdleWatch _idle = null!;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _id = InstrumentId.Parse(this.GetPrimaryKeyString());
        // Started by StartAsync if rule grains read the instrument.
        var housekeeping = this.RegisterGrainTimer(OnTimerAsync, new GrainTimerCreationOptions(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan));
        _housekeeping = new HousekeepingSchedule(period => housekeeping.Change(period, period));
        _writeBehind = new WriteBehind(WriteStateAsync);
        await storeFailures.GuardAsync(() => StartAsync(cancellationToken), $"activating {_id}");

        _idle = new IdleWatch(clock, options.Value.IdleAfter);
        this.RegisterGrainTimer(OnWriteTimerAsync, new GrainTimerCreationOptions(WriteBehind.Interval, WriteBehind.Interval));
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
        var deletion = await tickStore.DeleteRangeAsync(new TickDeletion(_id, from, to, by, clock.GetUtcNow(), Count: 0), _parts.Run.Intervals);
        logger.LogWarning(
            "{By} deleted {Count} ticks of {Instrument} from {From:O} to {To:O}; the grain rebuilds from the ticks that remain",
            by, deletion.Count, _id, from, to);

        // What the pipeline, the rules and the saved state hold came partly from the removed ticks: start again from
        // everything that remains, as for an instrument without saved state. Cleared first, so a crash midway does the same.
        await state.ClearStateAsync();
        await StartAsync(CancellationToken.None);
        // A removed tick dated ahead closed the bars open at the time: they are open again, not stored.
        await _parts.Run.DeleteBarsFromOpenAsync(barStore, CancellationToken.None);
        await _writeBehind.FlushAsync(CancellationToken.None);
        _parts.Quotes.Changed();
        return deletion;
    }

    public async Task<IngestCounts> IngestAsync(TickBatch batch)
    {
        _idle.Active();
        long afterIndex = _parts.Intake.LastIndex;
        var (toStore, counts) = _parts.Intake.Take(batch);
        try
        {
            await tickStore.AppendAsync(_id, toStore);
            await _parts.Run.StoreClosedBarsAsync(barStore, CancellationToken.None);
            await alerts.PublishAsync(_parts.Run.Transitions);
        }
        catch (Exception e)
        {
            // The pipeline has moved past what is stored: start again from the store on the next call, feed no rule
            // grain what may not be stored, and write no state that has (it would count the unstored ticks as seen, and
            // their retry as duplicates).
            _parts.Intake.Abandon();
            _writeBehind.Abandon();
            DeactivateOnIdle();
            if (StoreFailures.IsUnavailable(e))
            {
                throw storeFailures.Unavailable(e, $"storing ticks of {_id}");
            }

            logger.LogError(e, "Storing ticks of {Instrument} failed; the grain recovers from the store", _id);
            throw;
        }

        if (toStore.Length > 0)
        {
            _writeBehind.Changed();
        }

        await _parts.TicksStoredAsync(afterIndex, toStore, counts);
        return counts;
    }

    public async Task<InventoryIngestCounts> IngestInventoryAsync(InventoryBatch batch)
    {
        _idle.Active();
        // Repeats of the latest version change nothing: not stored, not fed to rules, not pushed. The changes are stored
        // with the deliveries of their restatements in one transaction, before the acknowledgement.
        string what = $"storing inventory of {_id}";
        var revisions = await storeFailures.GuardAsync(() => inventoryStore.ClassifyAsync(batch.Values), what);
        var changes = revisions.Where(r => r.Change != InventoryChange.Unchanged).ToArray();
        await storeFailures.GuardAsync(() => alerts.StoreInventoryAsync(changes, batch.ReceivedAt), what);

        if (changes.Length == 0)
        {
            return InventoryIngestCounts.Of(revisions);
        }

        var changed = batch with { Values = [.. changes.Select(r => r.Value)] };
        MonitorMetrics.InventoryAccepted.Add(changed.Values.Length);
        _parts.Run.Inventory(changed);
        _writeBehind.Changed();
        await alerts.PublishAsync(_parts.Run.Transitions);

        await _parts.InventoryStoredAsync(changed, changes);
        return InventoryIngestCounts.Of(revisions);
    }

    public async Task SyncRuleAsync(string ruleId)
    {
        _idle.Active();
        var stored = await ruleStore.GetAsync(ruleId);
        await _parts.Rules.SyncAsync(ruleId, stored is null ? null : StoredRules.Parse(stored, logger), barStore, _parts.Intake.LastIndex);
        _housekeeping.Follow(_parts.Feed.HasTickReaders);
        _writeBehind.Changed();
        await alerts.PublishAsync(_parts.Run.Transitions);
    }

    public Task<RuleStatusView?> GetRuleStatusAsync(string ruleId) =>
        Task.FromResult(_parts.Run.Find(ruleId) is { } evaluator ? RuleStatusView.From(evaluator) : null);

    public Task<InstrumentSnapshot> GetSnapshotAsync() => Task.FromResult(_parts.Quotes.Snapshot());

    public Task<Bar?> GetOpenBarAsync(string interval) => Task.FromResult(_parts.Run.OpenBar(interval));

    public Task<IndicatorSnapshot?> GetIndicatorsAsync(string interval) => Task.FromResult(_parts.Run.Indicators(interval));

    /// <summary>Writes state behind; an instrument idle for <see cref="InstrumentGrainOptions.IdleAfter"/> then deactivates (and writes again if needed).</summary>
    private async Task OnWriteTimerAsync(CancellationToken cancellationToken)
    {
        await _writeBehind.FlushAsync(cancellationToken);
        if (_idle.IsIdle)
        {
            DeactivateOnIdle();
        }
    }

    private Task OnTimerAsync(CancellationToken cancellationToken)
    {
        _ = _parts.Feed.FeedIfDue();
        return Task.CompletedTask;
    }

    /// <summary>Builds the activation's parts and resumes them from the saved state and the stores.</summary>
    private async Task StartAsync(CancellationToken cancellationToken)
    {
        var definition = await InstrumentRegistry.FindAsync(GrainFactory, catalog, _id);
        _parts = InstrumentParts.Create(
            definition, catalog, GrainFactory, relays, clock, _parts?.Quotes.Seq ?? 0, logger);
        await _parts.ResumeAsync(state.State, tickStore, barStore, inventoryStore, ruleStore, logger, cancellationToken);
        _housekeeping.Follow(_parts.Feed.HasTickReaders);
        await alerts.PublishAsync(_parts.Run.Transitions);
        // Written once per activation at least, so the snapshot the instrument list reads exists (a store from before it
        // did, bars imported offline) and is current.
        _writeBehind.Changed();
    }

    private async Task WriteStateAsync(CancellationToken cancellationToken)
    {
        _parts.SaveTo(state.State);
        await state.WriteStateAsync(cancellationToken);
        await snapshots.PutAsync(_parts.Snapshot(), cancellationToken);
    }
}
