using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Monitor.Core.Derived;
using Monitor.Core.Market;
using Monitor.Core.Ports;
using Monitor.Core.Rules;
using Monitor.Grains.Rules;
using Orleans.Runtime;

namespace Monitor.Grains.Derived;

/// <summary>
/// Computes one derived series (keyed by its id, <c>X:GSR</c>) live. The grains of the instruments it reads feed it
/// what they stored, as they feed rule grains; it merges the ticks into event order and hands the series' ticks to the
/// series' own <see cref="IInstrumentGrain"/>, which stores them and runs bars, indicators, quotes and rules over them
/// as for any instrument.
/// </summary>
[Alias("Monitor.IDerivedSeriesGrain")]
public interface IDerivedSeriesGrain : IGrainWithStringKey
{
    /// <summary>The ticks an input's grain stored and applied since its last feed (the same feed rule grains get, every tick).</summary>
    [Alias("Feed")]
    Task FeedAsync(RuleFeed feed);

    /// <summary>Inventory an input's grain stored.</summary>
    [Alias("FeedInventory")]
    Task FeedInventoryAsync(InventoryBatch batch);

    /// <summary>Why the last input tick made no tick of the series (an input without a value, a division by zero); null if it made one.</summary>
    [Alias("GetNotReady")]
    Task<string?> GetNotReadyAsync();

    /// <summary>Starts again from the current definition (it changed, or the series was deleted), keeping its progress.</summary>
    [Alias("Reload")]
    Task ReloadAsync();
}

/// <summary>What a derived series grain persists: its calculator, and per input how far it got.</summary>
[GenerateSerializer, Alias("Monitor.DerivedSeriesGrainState")]
public sealed class DerivedSeriesGrainState
{
    /// <summary>The expression the calculator state below was computed with.</summary>
    [Id(0)] public string? Expression { get; set; }

    /// <summary>The calculator's <see cref="DerivedSeriesState"/> as <see cref="RuleStateJson"/> writes it.</summary>
    [Id(1)] public string? Calculator { get; set; }

    /// <summary>Per input whose ticks price the series: the last stored tick index applied.</summary>
    [Id(2)] public Dictionary<string, long> AppliedIndex { get; set; } = [];

    /// <summary>When the last inventory value the saved calculator has seen was received.</summary>
    [Id(3)] public DateTimeOffset InventoryReceivedThrough { get; set; }
}

/// <summary>
/// <see cref="IDerivedSeriesGrain"/>: a <see cref="TickMerge"/> over the inputs (each input's ticks in stored order,
/// across inputs the earliest first, an idle input not waited for), a <see cref="DerivedSeriesCalculator"/>, and the
/// series' instrument grain. State is written behind; after a restart it catches up from the stores after its saved
/// progress, and the ticks it makes again carry the same <c>seq</c>, so the series' grain drops them as duplicates.
/// </summary>
public sealed class DerivedSeriesGrain(
    [PersistentState("derived", MonitorGrainStorage.Name)] IPersistentState<DerivedSeriesGrainState> state,
    ITickStore tickStore,
    IInventoryStore inventoryStore,
    InstrumentCatalog catalog,
    IOptions<RuleGrainOptions> options,
    TimeProvider clock,
    ILogger<DerivedSeriesGrain> logger) : TickMergeGrain(tickStore, options, clock), IDerivedSeriesGrain
{
    private readonly Dictionary<InstrumentId, Progress> _inputs = [];
    private InstrumentDefinition? _series;
    private DerivedSeriesCalculator? _calculator;
    private DateTimeOffset _inventoryReceivedThrough;
    private bool _discarded;

    public async Task FeedAsync(RuleFeed feed)
    {
        if (_calculator is null || !_inputs.TryGetValue(feed.Instrument, out var input))
        {
            return;
        }

        // A feed starting beyond what was queued means one went missing: what lies between comes from the store.
        if (feed.AfterIndex > input.QueuedIndex)
        {
            await CatchUpAsync(input.Instrument, feed.AfterIndex, CancellationToken.None);
        }

        if (input.QueuedIndex >= feed.AfterIndex)
        {
            foreach (var fed in feed.Ticks)
            {
                if (fed.Index > input.QueuedIndex)
                {
                    Merge!.Add(QueuedTick.Of(fed.Tick, fed.Index), Clock.GetTimestamp());
                }
            }

            input.QueuedIndex = Math.Max(input.QueuedIndex, feed.ThroughIndex);
        }

        await ReleaseAsync();
    }

    public Task FeedInventoryAsync(InventoryBatch batch)
    {
        if (_calculator is null)
        {
            return Task.CompletedTask;
        }

        foreach (var value in batch.Values)
        {
            _calculator.AddInventory(value);
        }

        _inventoryReceivedThrough = batch.ReceivedAt > _inventoryReceivedThrough ? batch.ReceivedAt : _inventoryReceivedThrough;
        StateWrites.Changed();
        return Task.CompletedTask;
    }

    public Task<string?> GetNotReadyAsync() => Task.FromResult(_calculator?.NotReady);

    public async Task ReloadAsync()
    {
        await StateWrites.FlushAsync(CancellationToken.None);
        DeactivateOnIdle();
    }


    protected override async Task LoadAsync(CancellationToken cancellationToken)
    {
        var id = InstrumentId.Parse(this.GetPrimaryKeyString());
        await InstrumentRegistry.RefreshAsync(GrainFactory, catalog);
        if (!catalog.TryGet(id, out var series) || series.Expression is null)
        {
            return;
        }

        _series = series;
        _calculator = new DerivedSeriesCalculator(series);
        if (state.State.Calculator is { } saved)
        {
            _calculator.RestoreState(RuleStateJson.DeserializeDerived(saved), state.State.Expression == series.Expression);
        }

        _inventoryReceivedThrough = state.State.InventoryReceivedThrough;
        await ReplayInventoryAsync(cancellationToken);
        foreach (var instrument in _calculator.PricedBy)
        {
            // Without saved progress the series starts at what is stored now.
            long applied = state.State.AppliedIndex.TryGetValue(instrument.Value, out long index)
                ? index
                : (await TickStore.GetMarkAsync(instrument, cancellationToken)).LastIndex;
            _inputs[instrument] = new Progress(instrument, applied);
        }

        Merge = new TickMerge(_calculator.PricedBy, Clock.GetTimestamp());
        foreach (var instrument in _inputs.Keys)
        {
            await CatchUpOnStoreAsync(instrument, cancellationToken);
        }

        await ReleaseAsync();
        StateWrites.Changed();
        await StateWrites.FlushAsync(cancellationToken);
    }

    /// <summary>
    /// Inventory the saved calculator had not made visible yet (published after its last input tick) or had not seen
    /// (received after the saved state) is fed again from the store.
    /// </summary>
    private async Task ReplayInventoryAsync(CancellationToken cancellationToken)
    {
        var lastTick = _calculator!.LastTick ?? DateTimeOffset.MinValue;
        foreach (var instrument in _calculator.Inputs)
        {
            await foreach (var stored in inventoryStore.ReadPublishedAsync(instrument, DateTimeOffset.MinValue, DateTimeOffset.MaxValue, cancellationToken))
            {
                if (stored.Value.PublishedAt > lastTick || stored.ReceivedAt > state.State.InventoryReceivedThrough)
                {
                    _calculator.AddInventory(stored.Value);
                    _inventoryReceivedThrough = stored.ReceivedAt > _inventoryReceivedThrough ? stored.ReceivedAt : _inventoryReceivedThrough;
                }
            }
        }
    }

    protected override long QueuedIndex(InstrumentId instrument) => _inputs[instrument].QueuedIndex;

    /// <summary>Queues the applied ticks stored after what was queued, through <paramref name="throughIndex"/>.</summary>
    protected override async Task<bool> CatchUpAsync(InstrumentId instrument, long throughIndex, CancellationToken cancellationToken)
    {
        var input = _inputs[instrument];
        await foreach (var stored in TickStore.ReadAfterAsync(input.Instrument, input.QueuedIndex, cancellationToken))
        {
            if (stored.Index > throughIndex)
            {
                break;
            }

            if (!stored.Late)
            {
                Merge!.Add(QueuedTick.Of(new Tick(input.Instrument, stored.Time, stored.Price, stored.Volume, stored.Seq), stored.Index), Clock.GetTimestamp());
            }

            input.QueuedIndex = stored.Index;
        }

        return true;
    }

    /// <summary>Computes the series over what the merge released and hands its ticks to the series' grain.</summary>
    protected override async Task ApplyAsync(IReadOnlyList<QueuedTick> released)
    {
        if (_calculator is null || _discarded || released.Count == 0)
        {
            return;
        }

        var ticks = new List<Tick>(released.Count);
        foreach (var queued in released)
        {
            // Only ticks are queued here: a derived series is computed from its inputs' prices.
            if (queued.Tick is { } input && _calculator.TryCompute(input, out var tick))
            {
                ticks.Add(tick);
            }

            _inputs[queued.Instrument].AppliedIndex = queued.Index;
        }

        StateWrites.Changed();
        if (ticks.Count == 0)
        {
            return;
        }

        try
        {
            await GrainFactory.GetGrain<IInstrumentGrain>(_series!.Id.Value).IngestAsync(new TickBatch([.. ticks]));
        }
        catch (Exception e)
        {
            // Computed but not stored: start again from the saved state; the ticks made again keep their seq.
            logger.LogWarning(e, "Storing the ticks of derived series {Series} failed; it resumes from its saved state", _series!.Id);
            _discarded = true;
            DeactivateOnIdle();
        }
    }

    protected override async Task WriteStateAsync(CancellationToken cancellationToken)
    {
        if (_calculator is null || _series is null || _discarded)
        {
            return;
        }

        state.State = new DerivedSeriesGrainState
        {
            Expression = _series.Expression,
            Calculator = RuleStateJson.Serialize(_calculator.SaveState()),
            AppliedIndex = _inputs.Values.ToDictionary(i => i.Instrument.Value, i => i.AppliedIndex),
            InventoryReceivedThrough = _inventoryReceivedThrough,
        };
        await state.WriteStateAsync(cancellationToken);
    }

    private sealed class Progress(InstrumentId instrument, long appliedIndex)
    {
        public InstrumentId Instrument { get; } = instrument;

        /// <summary>The last stored tick index the calculator took.</summary>
        public long AppliedIndex { get; set; } = appliedIndex;

        /// <summary>The last stored tick index queued in the merge.</summary>
        public long QueuedIndex { get; set; } = appliedIndex;
    }
}
