using Microsoft.Extensions.Logging;
using Monitor.Core.Market;
using Monitor.Core.Pipeline;
using Monitor.Core.Ports;
using Monitor.Grains.Derived;
using Monitor.Grains.Rules;
using Monitor.Grains.Telemetry;

namespace Monitor.Grains;

/// <summary>
/// What an instrument grain runs in one activation, built from the instrument's definition: its run (pipeline and rules
/// over it alone), the tick intake, the feeds to rule grains and derived series that read it, and the quote publisher.
/// <see cref="ResumeAsync"/> brings them to where the stores are, so the grain around them keeps only storage, timers
/// and push.
/// </summary>
internal sealed class InstrumentParts
{
    private InstrumentParts(InstrumentRun run, QuotePublisher quotes, RuleGrainFeed feed, DerivedSeriesFeed derived)
    {
        Run = run;
        Quotes = quotes;
        Feed = feed;
        Rules = new InstrumentRules(run, feed);
        Intake = new TickIntake(run, feed);
        Derived = derived;
    }

    public InstrumentRun Run { get; }

    public QuotePublisher Quotes { get; }

    public RuleGrainFeed Feed { get; }

    public InstrumentRules Rules { get; }

    public TickIntake Intake { get; }

    public DerivedSeriesFeed Derived { get; }

    /// <summary>
    /// The parts for <paramref name="definition"/>; quotes are pushed to every silo's relay through <paramref name="outbox"/>,
    /// their seq going on above <paramref name="previousSeq"/> (a rebuild's clients see a gap and reload).
    /// </summary>
    public static InstrumentParts Create(
        InstrumentDefinition definition, InstrumentCatalog catalog, IGrainFactory grains, RelayOutbox outbox, TimeProvider clock,
        long previousSeq, ILogger logger)
    {
        var id = definition.Id;
        var pipeline = new InstrumentPipeline(id, definition.Intervals, InstrumentCatalog.StandardIndicators);
        return new InstrumentParts(
            new InstrumentRun(pipeline),
            new QuotePublisher(pipeline, outbox, clock, after: previousSeq),
            new RuleGrainFeed(id, ruleId => grains.GetGrain<IRuleGrain>(ruleId), clock, logger),
            DerivedSeriesFeed.For(id, catalog, grains, logger));
    }

    /// <summary>
    /// Resumes from <paramref name="saved"/> state and replays what was stored after it; without usable saved state (none
    /// yet, or the intervals changed) every stored tick and inventory value is replayed: bars, indicators and rules come
    /// out as they were. The bars the replay closed are stored; its alert transitions wait in the run's.
    /// </summary>
    public async Task ResumeAsync(
        InstrumentGrainState saved, ITickStore ticks, IBarStore bars, IInventoryStore inventory, IRuleStore rules,
        ILogger logger, CancellationToken cancellationToken)
    {
        Rules.Load(await StoredRules.LoadAsync(rules, Run.Instrument, logger, cancellationToken));
        var usable = await Run.RestoreAsync(saved, bars, cancellationToken) ? saved : new InstrumentGrainState();
        await Run.ReplayInventoryAsync(inventory, usable.InventoryReceivedThrough, cancellationToken);
        await Intake.ResumeAsync(ticks, usable.TickWatermark, cancellationToken);
        await Run.StoreClosedBarsAsync(bars, cancellationToken);
        if (Intake.LastIndex > usable.TickWatermark)
        {
            logger.LogInformation(
                "{Instrument} replayed the ticks stored after index {Watermark} through {Last}", Run.Instrument, usable.TickWatermark, Intake.LastIndex);
        }
    }

    /// <summary>Ticks taken after stored index <paramref name="afterIndex"/> were stored: the quote goes out, the derived series that read the instrument get them.</summary>
    public async Task TicksStoredAsync(long afterIndex, StoredTick[] stored, IngestCounts counts)
    {
        MonitorMetrics.Ingested(counts);
        if (counts.Accepted > 0)
        {
            Quotes.Changed();
        }

        await Derived.StoredAsync(afterIndex, Intake.LastIndex, stored);
    }

    /// <summary>
    /// Passes inventory values that were stored (new or restated) on to the rule grains, derived series and hubs that
    /// read them; before the acknowledgement, so they have them before any tick the client sends next.
    /// </summary>
    public async Task InventoryStoredAsync(InventoryBatch changed, IReadOnlyList<InventoryRevision> changes)
    {
        await Feed.FeedInventoryAsync(changed);
        await Derived.InventoryAsync(changed);
        Quotes.Inventory(changes);
    }

    /// <summary>Writes what the next activation resumes from: the run's state and the last tick index it took.</summary>
    public void SaveTo(InstrumentGrainState state)
    {
        Run.SaveTo(state);
        state.TickWatermark = Intake.LastIndex;
    }

    /// <summary>The instrument's latest quote as the instrument list reads it.</summary>
    public InstrumentSnapshotRecord Snapshot()
    {
        var snapshot = Quotes.Snapshot();
        return new InstrumentSnapshotRecord(
            Run.Instrument, Run.Intervals[0].Name, snapshot.LastPrice, snapshot.LastTime, snapshot.ChangePct, snapshot.Indicators, snapshot.Seq);
    }
}
