using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Monitor.Core.Market;
using Monitor.Core.Pipeline;
using Monitor.Core.Ports;
using Monitor.Core.Rules;
using Monitor.Grains.Alerts;
using Monitor.Grains.Telemetry;
using Orleans.Runtime;

namespace Monitor.Grains.Rules;

/// <summary>What a rule grain persists: its rule's state and, per instrument whose ticks it reads, how far it got.</summary>
[GenerateSerializer, Alias("Monitor.RuleGrainState")]
public sealed class RuleGrainState
{
    /// <summary>The <see cref="RuleSetState"/> as <see cref="RuleStateJson"/> writes it.</summary>
    [Id(0)] public string? Rules { get; set; }

    /// <summary>The bar interval the inputs' open bars below are of.</summary>
    [Id(1)] public string? Interval { get; set; }

    [Id(2)] public List<RuleInputProgress> Inputs { get; set; } = [];

    /// <summary>When the last inventory value the saved rule has seen was received; later ones are fed again on activation.</summary>
    [Id(3)] public DateTimeOffset InventoryReceivedThrough { get; set; }
}

/// <summary>
/// One instrument's progress: the last stored tick index applied, and the bar of the rule's interval that tick is in
/// (null before the first), the bar whose close comes next.
/// </summary>
[GenerateSerializer, Alias("Monitor.RuleInputProgress")]
public sealed record RuleInputProgress(
    [property: Id(0)] InstrumentId Instrument,
    [property: Id(1)] long AppliedIndex,
    [property: Id(3)] DateTimeOffset? OpenBar);

public sealed class RuleGrainOptions
{
    /// <summary>How often, at most, an instrument's grain waits before it feeds the rule grains that read it.</summary>
    public static readonly TimeSpan FeedInterval = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How long a rule over several instruments waits for an instrument that has sent nothing (a closed market, a
    /// stopped feed) before evaluating the others' ticks without it. At least <see cref="FeedInterval"/>: a shorter wait
    /// would give up on instruments whose ticks are merely waiting for their grain's next feed, and evaluate out of order.
    /// </summary>
    public TimeSpan InputIdleAfter { get; set; } = TimeSpan.FromSeconds(2);
}

/// <summary>
/// Runs one rule over several instruments. The instruments' grains feed it what their pipelines produced: the bars of
/// the rule's interval they closed and, of an instrument whose price the rule reads, the ticks it needs
/// (<see cref="RuleGrainFeed"/>). It merges them into event-time order (<see cref="TickMerge"/>) and drives the rule
/// through a <see cref="PipelineDriver"/>, as a backtest does; it builds no bars itself. State is written behind; after
/// a restart, or a feed that went missing, it catches up from the stores: the ticks stored after its progress and the
/// stored bars they closed, so nothing is lost.
/// </summary>
public sealed class RuleGrain(
    [PersistentState("rule", MonitorGrainStorage.Name)] IPersistentState<RuleGrainState> state,
    IRuleStore ruleStore,
    ITickStore tickStore,
    IBarStore barStore,
    IInventoryStore inventoryStore,
    AlertPublisher alerts,
    IOptions<RuleGrainOptions> options,
    TimeProvider clock,
    ILogger<RuleGrain> logger) : TickMergeGrain(tickStore, options, clock), IRuleGrain
{
    private readonly List<AlertTransition> _transitions = [];
    private readonly RuleEvaluationTimer _ruleTime = new("rule");
    private RuleSet? _rules;
    private PipelineDriver? _driver;
    private RuleDefinition? _definition;
    private Dictionary<InstrumentId, Input> _inputs = [];
    private DateTimeOffset _inventoryReceivedThrough;

    public async Task FeedAsync(RuleFeed feed)
    {
        if (_rules is null || _definition is null)
        {
            return;
        }

        long started = Clock.GetTimestamp();
        if (feed.ThroughIndex > 0 && _inputs.TryGetValue(feed.Instrument, out var input))
        {
            // A feed starting beyond what was queued means one went missing: what lies between comes from the stores.
            if (feed.AfterIndex > input.QueuedIndex)
            {
                await CatchUpAsync(input.Instrument, feed.AfterIndex, CancellationToken.None);
            }

            if (input.QueuedIndex >= feed.AfterIndex)
            {
                Queue(input, feed);
                input.QueuedIndex = Math.Max(input.QueuedIndex, feed.ThroughIndex);
            }
        }

        await ReleaseAsync();
        MonitorMetrics.RuleFeedDuration.Record(Clock.GetElapsedTime(started).TotalMilliseconds);
    }

    public async Task FeedInventoryAsync(InventoryBatch batch)
    {
        if (_driver is null)
        {
            return;
        }

        foreach (var value in batch.Values)
        {
            _driver.Inventory(value, _transitions);
        }

        _inventoryReceivedThrough = batch.ReceivedAt > _inventoryReceivedThrough ? batch.ReceivedAt : _inventoryReceivedThrough;
        StateWrites.Changed();
        await alerts.PublishAsync(_transitions);
    }

    public async Task SyncAsync()
    {
        var stored = await ruleStore.GetAsync(this.GetPrimaryKeyString());
        var definition = stored is null ? null : StoredRules.Parse(stored, logger);
        if (definition == _definition)
        {
            return;
        }

        // The simplest exact way to take a changed definition over: save, then load as a fresh activation would.
        await WriteNowAsync(CancellationToken.None);
        await LoadAsync(CancellationToken.None);
    }

    public Task<RuleStatusView?> GetStatusAsync() =>
        Task.FromResult(_rules?.Find(this.GetPrimaryKeyString()) is { } evaluator ? RuleStatusView.From(evaluator) : null);

    /// <summary>Queues a feed's bars and ticks stored after what was queued, in stored order (a bar before the tick that closed it).</summary>
    private void Queue(Input input, RuleFeed feed)
    {
        int b = 0, t = 0;
        while (b < feed.Bars.Length || t < feed.Ticks.Length)
        {
            if (t == feed.Ticks.Length || (b < feed.Bars.Length && feed.Bars[b].Index <= feed.Ticks[t].Index))
            {
                var bar = feed.Bars[b++];
                if (bar.Index > input.QueuedIndex)
                {
                    Queue(input, QueuedTick.OfBar(input.Instrument, bar.ClosedAt, bar.Index, bar.Bar));
                }
            }
            else
            {
                var fed = feed.Ticks[t++];
                if (fed.Index > input.QueuedIndex)
                {
                    Queue(input, QueuedTick.Of(fed.Tick, fed.Index));
                }
            }
        }
    }

    protected override async Task LoadAsync(CancellationToken cancellationToken)
    {
        var stored = await ruleStore.GetAsync(this.GetPrimaryKeyString(), cancellationToken);
        var definition = stored is null ? null : StoredRules.Parse(stored, logger);
        if (definition?.LocalInstrument() is not null)
        {
            definition = null;
        }

        var rules = new RuleSet();
        var driver = new PipelineDriver(rules, AdvancePolicy.PerBatch);
        if (definition is not null)
        {
            rules.Put(definition, _transitions);
        }

        if (state.State.Rules is { } saved)
        {
            // Continues the saved rule, carries an open alert over to a changed one, or resolves it if the rule is gone.
            rules.RestoreState(RuleStateJson.Deserialize(saved), _transitions);
            _inventoryReceivedThrough = state.State.InventoryReceivedThrough;
            foreach (var instrument in definition?.Instruments().Select(InstrumentId.Parse).Where(definition.ReadsInventoryOf) ?? [])
            {
                var through = await InventoryReplay.FeedAsync(inventoryStore, instrument, state.State.InventoryReceivedThrough, driver, _transitions, cancellationToken);
                _inventoryReceivedThrough = through > _inventoryReceivedThrough ? through : _inventoryReceivedThrough;
            }
        }
        else
        {
            // A new rule reads the inventory received from now on.
            _inventoryReceivedThrough = Clock.GetUtcNow();
        }

        _definition = definition;
        (_rules, _driver) = definition is null ? (null, null) : (rules, driver);
        _inputs = [];
        Merge = null;
        if (definition is not null)
        {
            await StartInputsAsync(definition, cancellationToken);
        }

        await alerts.PublishAsync(_transitions);
        if (definition is null)
        {
            state.State = new RuleGrainState();
            await state.WriteStateAsync(cancellationToken);
        }
        else
        {
            // Written at once: where a new rule (or a new interval) starts reading must survive a crash.
            await WriteNowAsync(cancellationToken);
        }
    }

    private async Task StartInputsAsync(RuleDefinition definition, CancellationToken cancellationToken)
    {
        var interval = definition.Interval;
        bool sameInterval = state.State.Interval == interval.Name;
        var instruments = definition.Instruments().Select(InstrumentId.Parse).Where(definition.ReadsTicksOf).ToList();
        Merge = new TickMerge(instruments, Clock.GetTimestamp());
        foreach (var instrument in instruments)
        {
            // Without saved progress the rule starts at what is stored now; the bar open then is taken whole when it closes.
            var mark = await TickStore.GetMarkAsync(instrument, cancellationToken);
            var saved = sameInterval ? state.State.Inputs.Find(p => p.Instrument == instrument) : null;
            var input = saved is null ? new Input(instrument, mark.LastIndex, openBar: null) : new Input(instrument, saved.AppliedIndex, saved.OpenBar);
            _inputs[instrument] = input;

            // What was stored after the progress is read once, and only if the mark says there is any. Indicators are
            // rebuilt from the stored bars before it; then it is caught up on.
            var stored = mark.LastIndex > input.QueuedIndex ? await ReadStoredAsync(input, mark.LastIndex, cancellationToken) : [];
            var range = _rules!.WarmUpRange(instrument, interval);
            var end = input.OpenBar ?? FirstBar(stored, interval);
            foreach (var bar in await barStore.ReadAsync(instrument, interval, range.From, end, range.Limit, cancellationToken))
            {
                _rules.WarmUp(instrument, interval, bar);
            }

            await QueueStoredAsync(input, stored, cancellationToken);
        }

        // Not a flush: the instruments' grains may each have stored a different share of the latest ticks, so what one
        // has stored beyond the others waits for them as live ticks do.
        await ReleaseAsync();
    }

    /// <summary>
    /// Where the indicators' bars end for an input that has applied no tick yet: at the bar of the first applied tick
    /// stored after its progress, which the catch-up starts with (the bars it closes come with the catch-up), or, with
    /// none stored, after every stored bar. Not simply every stored bar: after a crash before the first write behind,
    /// the catch-up replays ticks from before the newest bars, and indicators fed those bars would be read from the future.
    /// </summary>
    private static DateTimeOffset FirstBar(List<StoredTick> stored, BarInterval interval)
    {
        foreach (var tick in stored)
        {
            if (!tick.Late)
            {
                return interval.BarStart(tick.Time);
            }
        }

        return DateTimeOffset.MaxValue;
    }

    protected override long QueuedIndex(InstrumentId instrument) => _inputs[instrument].QueuedIndex;

    protected override async Task<bool> CatchUpAsync(InstrumentId instrument, long throughIndex, CancellationToken cancellationToken)
    {
        var input = _inputs[instrument];
        return await QueueStoredAsync(input, await ReadStoredAsync(input, throughIndex, cancellationToken), cancellationToken);
    }

    /// <summary>The ticks stored after what was queued, through <paramref name="throughIndex"/>.</summary>
    private async Task<List<StoredTick>> ReadStoredAsync(Input input, long throughIndex, CancellationToken cancellationToken)
    {
        var ticks = new List<StoredTick>();
        await foreach (var stored in TickStore.ReadAfterAsync(input.Instrument, input.QueuedIndex, cancellationToken))
        {
            if (stored.Index > throughIndex)
            {
                break;
            }

            ticks.Add(stored);
        }

        return ticks;
    }

    /// <summary>
    /// Queues the applied ones of <paramref name="ticks"/> (stored after what was queued), each with the stored bar it
    /// closed. A bar not stored yet (its instrument's grain is still recovering) stops the catch-up there and returns
    /// false: the next feed shows the gap again.
    /// </summary>
    private async Task<bool> QueueStoredAsync(Input input, List<StoredTick> ticks, CancellationToken cancellationToken)
    {
        var interval = _definition!.Interval;
        var bars = new Dictionary<DateTimeOffset, Bar>();
        if (ticks.Count > 0)
        {
            // From the bar open now, or, before the first tick, from the first tick's: the bars its successors close.
            var from = input.QueuedBar ?? interval.BarStart(ticks.Min(t => t.Time));
            foreach (var bar in await barStore.ReadAsync(input.Instrument, interval, from, ticks.Max(t => t.Time), int.MaxValue, cancellationToken))
            {
                bars[bar.Time] = bar;
            }
        }

        foreach (var stored in ticks)
        {
            if (!stored.Late)
            {
                if (input.QueuedBar is { } open && interval.BarStart(stored.Time) > open)
                {
                    if (!bars.TryGetValue(open, out var bar))
                    {
                        logger.LogInformation("Rule {Rule} waits for the {Interval} bar of {Instrument} at {Bar} to be stored", _definition.Id, interval, input.Instrument, open);
                        return false;
                    }

                    Queue(input, QueuedTick.OfBar(input.Instrument, stored.Time, stored.Index, bar));
                }

                Queue(input, QueuedTick.Of(new Tick(input.Instrument, stored.Time, stored.Price, stored.Volume, stored.Seq), stored.Index));
            }

            input.QueuedIndex = stored.Index;
        }

        return true;
    }

    /// <summary>
    /// Queues a tick, or a bar that closed at <see cref="QueuedTick.Time"/>. The first bar that closes after the rule
    /// started is taken whole; after that a bar is fed only if it is the one the queued events are in (a guard against
    /// a bar the rule's progress has already passed).
    /// </summary>
    private void Queue(Input input, in QueuedTick queued)
    {
        if (queued.Closed is not { } closed || input.QueuedBar is not { } current || closed.Time == current)
        {
            Merge!.Add(queued, Clock.GetTimestamp());
        }

        var bar = _definition!.Interval.BarStart(queued.Time);
        input.QueuedBar = input.QueuedBar is { } open && open > bar ? open : bar;
    }

    /// <summary>Feeds the rule what the merge released, then stores and announces the alerts that raised.</summary>
    protected override async Task ApplyAsync(IReadOnlyList<QueuedTick> released)
    {
        if (Merge is null || _driver is null || _definition is null)
        {
            return;
        }

        var interval = _definition.Interval;
        long started = RuleEvaluationTimer.Start(_driver.Rules);
        foreach (var queued in released)
        {
            if (queued.Closed is { } bar)
            {
                var closed = new ClosedBar(interval, bar);
                _driver.Closed(queued.Instrument, queued.Time, new ReadOnlySpan<ClosedBar>(in closed), _transitions);
            }

            if (queued.Tick is { } tick)
            {
                _driver.Tick(tick, [], _transitions);
            }

            var input = _inputs[queued.Instrument];
            input.AppliedIndex = queued.Index;
            var open = interval.BarStart(queued.Time);
            input.OpenBar = input.OpenBar is { } current && current > open ? current : open;
        }

        if (released.Count > 0)
        {
            StateWrites.Changed();
            if (Merge.Queued == 0)
            {
                _driver.Advance(_transitions);
            }
            else
            {
                _driver.Flush(_transitions);
            }

            _ruleTime.Stop(started, released.Count);
            _ruleTime.Record();
        }

        await alerts.PublishAsync(_transitions);
    }

    private async Task WriteNowAsync(CancellationToken cancellationToken)
    {
        StateWrites.Changed();
        await StateWrites.FlushAsync(cancellationToken);
    }

    protected override async Task WriteStateAsync(CancellationToken cancellationToken)
    {
        if (_rules is null || _definition is null)
        {
            return;
        }

        state.State = new RuleGrainState
        {
            Rules = RuleStateJson.Serialize(_rules.SaveState()),
            Interval = _definition.Interval.Name,
            Inputs = [.. _inputs.Values.Select(i => new RuleInputProgress(i.Instrument, i.AppliedIndex, i.OpenBar))],
            InventoryReceivedThrough = _inventoryReceivedThrough,
        };
        await state.WriteStateAsync(cancellationToken);
    }

    private sealed class Input(InstrumentId instrument, long appliedIndex, DateTimeOffset? openBar)
    {
        public InstrumentId Instrument { get; } = instrument;

        /// <summary>The last stored tick index applied to the rule.</summary>
        public long AppliedIndex { get; set; } = appliedIndex;

        /// <summary>The bar of the rule's interval the last applied tick is in.</summary>
        public DateTimeOffset? OpenBar { get; set; } = openBar;

        /// <summary>The last stored tick index queued in the merge or known to be late.</summary>
        public long QueuedIndex { get; set; } = appliedIndex;

        /// <summary>The bar of the rule's interval the last queued tick is in.</summary>
        public DateTimeOffset? QueuedBar { get; set; } = openBar;
    }
}
