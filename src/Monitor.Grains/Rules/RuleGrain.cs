using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Monitor.Core.Market;
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

    /// <summary>The bar interval the inputs' aggregators below were built for.</summary>
    [Id(1)] public string? Interval { get; set; }

    [Id(2)] public List<RuleInputProgress> Inputs { get; set; } = [];

    /// <summary>When the last inventory value the saved rule has seen was received; later ones are fed again on activation.</summary>
    [Id(3)] public DateTimeOffset InventoryReceivedThrough { get; set; }
}

/// <summary>One instrument's progress: the last stored tick index applied, and the rule-interval bar being built.</summary>
[GenerateSerializer, Alias("Monitor.RuleInputProgress")]
public sealed record RuleInputProgress(
    [property: Id(0)] InstrumentId Instrument,
    [property: Id(1)] long AppliedIndex,
    [property: Id(2)] BarAggregatorState Aggregator);

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
/// Runs one rule over several instruments. The instruments' grains feed it what they stored; it merges their ticks
/// into event-time order (<see cref="TickMerge"/>), builds the bars of the rule's interval for each, and drives a
/// <see cref="RuleSet"/> exactly as a backtest does. State is written behind every few seconds; on activation the
/// grain resumes from it and reads the ticks stored since from the tick store, so a restart loses nothing.
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
    ILogger<RuleGrain> logger) : Grain, IRuleGrain
{
    private static readonly TimeSpan StateWriteInterval = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan IdleCheckInterval = TimeSpan.FromMilliseconds(500);

    private readonly List<AlertTransition> _transitions = [];
    private readonly List<(Tick Tick, long Index)> _released = [];
    private readonly RuleEvaluationTimer _ruleTime = new("rule");
    private RuleSet? _rules;
    private RuleDefinition? _definition;
    private Dictionary<InstrumentId, Input> _inputs = [];
    private TickMerge? _merge;
    private DateTimeOffset? _lastReleased;
    private DateTimeOffset _inventoryReceivedThrough;
    private bool _dirty;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        await LoadAsync(cancellationToken);
        this.RegisterGrainTimer(WriteStateAsync, new GrainTimerCreationOptions(StateWriteInterval, StateWriteInterval));
        this.RegisterGrainTimer(ReleaseIdleAsync, new GrainTimerCreationOptions(IdleCheckInterval, IdleCheckInterval));
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        if (reason.ReasonCode != DeactivationReasonCode.ApplicationError)
        {
            await WriteStateAsync(cancellationToken);
        }
    }

    public async Task FeedAsync(RuleFeed feed)
    {
        if (_rules is null)
        {
            return;
        }

        long started = clock.GetTimestamp();
        if (feed.ThroughIndex > 0 && _inputs.TryGetValue(feed.Instrument, out var input))
        {
            // A feed starting beyond what was queued means one went missing: the ticks in between come from the store.
            if (feed.AfterIndex > input.QueuedIndex)
            {
                await QueueStoredAsync(input, feed.AfterIndex);
            }

            for (int i = 0; i < feed.Ticks.Length; i++)
            {
                if (feed.Indexes[i] > input.QueuedIndex)
                {
                    _merge!.Add(feed.Ticks[i], feed.Indexes[i], clock.GetTimestamp());
                }
            }

            input.QueuedIndex = Math.Max(input.QueuedIndex, feed.ThroughIndex);
        }

        await ReleaseAsync(IdleAfterTicks);
        MonitorMetrics.RuleFeedDuration.Record(clock.GetElapsedTime(started).TotalMilliseconds);
    }

    public async Task FeedInventoryAsync(InventoryBatch batch)
    {
        if (_rules is null)
        {
            return;
        }

        foreach (var value in batch.Values)
        {
            _rules.OnInventory(value, _transitions);
        }

        _inventoryReceivedThrough = batch.ReceivedAt > _inventoryReceivedThrough ? batch.ReceivedAt : _inventoryReceivedThrough;
        _dirty = true;
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
        await WriteStateAsync(force: true, CancellationToken.None);
        await LoadAsync(CancellationToken.None);
    }

    public Task<RuleStatusView?> GetStatusAsync() =>
        Task.FromResult(_rules?.Find(this.GetPrimaryKeyString()) is { } evaluator ? RuleStatusView.From(evaluator) : null);

    private long IdleAfterTicks => (long)(options.Value.InputIdleAfter.TotalSeconds * clock.TimestampFrequency);

    private async Task LoadAsync(CancellationToken cancellationToken)
    {
        var stored = await ruleStore.GetAsync(this.GetPrimaryKeyString(), cancellationToken);
        var definition = stored is null ? null : StoredRules.Parse(stored, logger);
        if (definition?.LocalInstrument() is not null)
        {
            definition = null;
        }

        var rules = new RuleSet();
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
                var through = await InventoryReplay.FeedAsync(inventoryStore, instrument, state.State.InventoryReceivedThrough, rules, _transitions, cancellationToken);
                _inventoryReceivedThrough = through > _inventoryReceivedThrough ? through : _inventoryReceivedThrough;
            }
        }
        else
        {
            // A new rule reads the inventory received from now on.
            _inventoryReceivedThrough = clock.GetUtcNow();
        }

        _definition = definition;
        _rules = definition is null ? null : rules;
        _inputs = [];
        _merge = null;
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
            await WriteStateAsync(force: true, cancellationToken);
        }
    }

    private async Task StartInputsAsync(RuleDefinition definition, CancellationToken cancellationToken)
    {
        var interval = definition.Interval;
        bool sameInterval = state.State.Interval == interval.Name;
        var instruments = definition.Instruments().Select(InstrumentId.Parse).Where(definition.ReadsTicksOf).ToList();
        foreach (var instrument in instruments)
        {
            // Without saved progress the rule starts at what is stored now; the bar being built then is taken whole
            // from the bar store when it closes.
            var saved = sameInterval ? state.State.Inputs.Find(p => p.Instrument == instrument) : null;
            _inputs[instrument] = saved is null
                ? new Input(instrument, new BarAggregator(interval), (await tickStore.GetMarkAsync(instrument, cancellationToken)).LastIndex, resumed: false)
                : new Input(instrument, new BarAggregator(interval, saved.Aggregator), saved.AppliedIndex, resumed: true);
        }

        _merge = new TickMerge(instruments, clock.GetTimestamp());

        // Indicators are rebuilt from stored bars; then the ticks stored after the saved progress are replayed.
        foreach (var input in _inputs.Values)
        {
            var range = _rules!.WarmUpRange(input.Instrument, interval);
            var before = input.Aggregator.State.ClosedBefore;
            foreach (var bar in await barStore.ReadAsync(input.Instrument, interval, range.From, before, range.Limit, cancellationToken))
            {
                _rules.WarmUp(input.Instrument, interval, bar);
            }

            await QueueStoredAsync(input, long.MaxValue, cancellationToken);
        }

        // Not a flush: the instruments' grains may each have stored a different share of the latest ticks, so what one
        // has stored beyond the others waits for them as live ticks do.
        await ReleaseAsync(IdleAfterTicks);
    }

    /// <summary>Queues the applied ticks stored after what was queued, through <paramref name="throughIndex"/>.</summary>
    private async Task QueueStoredAsync(Input input, long throughIndex, CancellationToken cancellationToken = default)
    {
        await foreach (var stored in tickStore.ReadAfterAsync(input.Instrument, input.QueuedIndex, cancellationToken))
        {
            if (stored.Index > throughIndex)
            {
                break;
            }

            if (!stored.Late)
            {
                _merge!.Add(new Tick(input.Instrument, stored.Time, stored.Price, stored.Volume, stored.Seq), stored.Index, clock.GetTimestamp());
            }

            input.QueuedIndex = stored.Index;
        }
    }

    private async Task ReleaseIdleAsync(CancellationToken cancellationToken)
    {
        if (_merge is { Queued: > 0 })
        {
            await ReleaseAsync(IdleAfterTicks);
        }
    }

    /// <summary>Feeds the rule every tick the merge can release, then stores and announces the alerts that raised.</summary>
    private async Task ReleaseAsync(long idleAfter)
    {
        if (_merge is null || _rules is null)
        {
            return;
        }

        _released.Clear();
        _merge.Release(clock.GetTimestamp(), idleAfter, (tick, index) => _released.Add((tick, index)));
        foreach (var (tick, index) in _released)
        {
            var input = _inputs[tick.Instrument];
            long started;
            if (input.Aggregator.Add(tick, out var bar) == BarUpdate.Closed)
            {
                var closed = await CompleteAsync(input, bar);
                started = RuleEvaluationTimer.Start(_rules);
                _rules.OnBarClosed(input.Instrument, input.Aggregator.Interval, closed, _transitions);
                _ruleTime.Stop(started, 1);
            }

            started = RuleEvaluationTimer.Start(_rules);
            _rules.OnTick(tick, _transitions);
            _ruleTime.Stop(started, 1);
            input.AppliedIndex = index;
            _lastReleased = tick.Time;
        }

        if (_released.Count > 0)
        {
            _dirty = true;
            long started = RuleEvaluationTimer.Start(_rules);
            if (_merge.Queued == 0 && _lastReleased is { } last)
            {
                _rules.AdvanceTo(last, _transitions);
            }
            else
            {
                _rules.Flush(_transitions);
            }

            _ruleTime.Stop(started, 0);
            _ruleTime.Record();
        }

        await alerts.PublishAsync(_transitions);
    }

    /// <summary>
    /// The first bar an input closes after the rule started without saved progress began before the rule saw it:
    /// the instrument's grain stored the whole bar, so that one is used.
    /// </summary>
    private async Task<Bar> CompleteAsync(Input input, Bar bar)
    {
        if (input.SawWholeBar)
        {
            return bar;
        }

        input.SawWholeBar = true;
        var stored = await barStore.ReadAsync(input.Instrument, input.Aggregator.Interval, bar.Time, bar.Time.AddTicks(1), 1);
        return stored.Count == 1 ? stored[0] : bar;
    }

    private Task WriteStateAsync(CancellationToken cancellationToken) => WriteStateAsync(force: false, cancellationToken);

    private async Task WriteStateAsync(bool force, CancellationToken cancellationToken)
    {
        if ((!_dirty && !force) || _rules is null || _definition is null)
        {
            return;
        }

        state.State = new RuleGrainState
        {
            Rules = RuleStateJson.Serialize(_rules.SaveState()),
            Interval = _definition.Interval.Name,
            Inputs = [.. _inputs.Values.Select(i => new RuleInputProgress(i.Instrument, i.AppliedIndex, i.Aggregator.State))],
            InventoryReceivedThrough = _inventoryReceivedThrough,
        };
        await state.WriteStateAsync(cancellationToken);
        _dirty = false;
    }

    private sealed class Input(InstrumentId instrument, BarAggregator aggregator, long appliedIndex, bool resumed)
    {
        public InstrumentId Instrument { get; } = instrument;

        public BarAggregator Aggregator { get; } = aggregator;

        /// <summary>The last stored tick index applied to the rule.</summary>
        public long AppliedIndex { get; set; } = appliedIndex;

        /// <summary>The last stored tick index queued in the merge or known to be late.</summary>
        public long QueuedIndex { get; set; } = appliedIndex;

        /// <summary>Whether the aggregator saw its open bar from the bar's first tick (true when resumed from saved state).</summary>
        public bool SawWholeBar { get; set; } = resumed;
    }
}
