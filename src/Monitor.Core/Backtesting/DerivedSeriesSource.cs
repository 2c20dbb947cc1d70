using System.Runtime.CompilerServices;
using Monitor.Core.Derived;
using Monitor.Core.Market;
using Monitor.Core.Pipeline;

namespace Monitor.Core.Backtesting;

/// <summary>
/// A backtest source that has the ticks of derived series: computed from their inputs' events, read from the source
/// underneath and merged in <see cref="EventOrder"/>, through a <see cref="DerivedSeriesCalculator"/>, as the live
/// service computes and stores them. Each input tick goes through its own pipeline first, so duplicates and late
/// ticks make nothing, as live. Everything else comes from the source underneath unchanged; a derived series has no
/// stored bars or inventory of its own here (its stored ticks, if any, are not read: they are computed again).
/// </summary>
public sealed class DerivedSeriesSource(
    IBacktestSource source, IEnumerable<InstrumentDefinition> derived, Func<InstrumentId, IReadOnlyList<BarInterval>> intervals) : IBacktestSource
{
    private const int BlockSize = 1024;

    /// <summary>The derived series <paramref name="catalog"/> defines, over <paramref name="source"/>, with the catalog's intervals.</summary>
    public static DerivedSeriesSource Over(IBacktestSource source, InstrumentCatalog catalog)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return new DerivedSeriesSource(source, catalog.All.Where(d => d.Expression is not null), BacktestEngine.IntervalsOf(catalog));
    }

    private readonly Dictionary<InstrumentId, InstrumentDefinition> _derived =
        derived.Where(d => d.Expression is not null).ToDictionary(d => d.Id);

    public async Task<DataExtent?> FindTicksAsync(InstrumentId instrument, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken)
    {
        if (!_derived.TryGetValue(instrument, out var series))
        {
            return await source.FindTicksAsync(instrument, from, to, cancellationToken).ConfigureAwait(false);
        }

        // The span of the ticks that price it: where its own ticks can be (for progress, and to tell ticks from bars).
        DataExtent? extent = null;
        foreach (var input in new DerivedSeriesCalculator(series).PricedBy)
        {
            if (await FindTicksAsync(input, from, to, cancellationToken).ConfigureAwait(false) is { } e)
            {
                extent = extent is { } x
                    ? new DataExtent(e.First < x.First ? e.First : x.First, e.Last > x.Last ? e.Last : x.Last)
                    : e;
            }
        }

        return extent;
    }

    public IAsyncEnumerable<ReadOnlyMemory<Tick>> ReadTicksAsync(InstrumentId instrument, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken) =>
        _derived.TryGetValue(instrument, out var series)
            ? ComputeAsync(series, from, to, cancellationToken)
            : source.ReadTicksAsync(instrument, from, to, cancellationToken);

    public IAsyncEnumerable<Bar> ReadBarsAsync(InstrumentId instrument, BarInterval interval, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken) =>
        _derived.ContainsKey(instrument) ? AsyncEnumerable.Empty<Bar>() : source.ReadBarsAsync(instrument, interval, from, to, cancellationToken);

    public IAsyncEnumerable<InventoryValue> ReadInventoryAsync(InstrumentId instrument, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken) =>
        _derived.ContainsKey(instrument) ? AsyncEnumerable.Empty<InventoryValue>() : source.ReadInventoryAsync(instrument, from, to, cancellationToken);

    private async IAsyncEnumerable<ReadOnlyMemory<Tick>> ComputeAsync(
        InstrumentDefinition series, DateTimeOffset from, DateTimeOffset to, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var calculator = new DerivedSeriesCalculator(series);
        var inputs = EventOrder.SortInstruments(calculator.Inputs);
        var heads = new PriorityQueue<Head, EventOrder>();
        var open = new List<Head>();
        try
        {
            for (int i = 0; i < inputs.Length; i++)
            {
                var id = inputs[i];
                open.Add(new Head(i, ReadInventoryAsync(id, from, to, cancellationToken).GetAsyncEnumerator(cancellationToken)));
                if (calculator.PricedBy.Contains(id))
                {
                    var pipeline = new InstrumentPipeline(id, intervals(id), []);
                    open.Add(new Head(i, pipeline, Flatten(ReadTicksAsync(id, from, to, cancellationToken)).GetAsyncEnumerator(cancellationToken)));
                }
            }

            foreach (var head in open)
            {
                if (await head.MoveNextAsync().ConfigureAwait(false))
                {
                    heads.Enqueue(head, head.Key);
                }
            }

            var block = new Tick[BlockSize];
            var closed = new List<ClosedBar>();
            int count = 0;
            while (heads.TryDequeue(out var head, out _))
            {
                if (head.Pipeline is null)
                {
                    calculator.AddInventory(head.Inventory);
                }
                else
                {
                    closed.Clear();
                    if (head.Pipeline.Apply(head.Tick, closed) == TickDisposition.Applied && calculator.TryCompute(head.Tick, out var tick))
                    {
                        block[count++] = tick;
                    }
                }

                if (count == BlockSize)
                {
                    yield return block;
                    count = 0;
                }

                if (await head.MoveNextAsync().ConfigureAwait(false))
                {
                    heads.Enqueue(head, head.Key);
                }
            }

            if (count > 0)
            {
                yield return block.AsMemory(0, count);
            }
        }
        finally
        {
            foreach (var head in open)
            {
                await head.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    private static async IAsyncEnumerable<Tick> Flatten(IAsyncEnumerable<ReadOnlyMemory<Tick>> blocks)
    {
        await foreach (var block in blocks.ConfigureAwait(false))
        {
            for (int i = 0; i < block.Length; i++)
            {
                yield return block.Span[i];
            }
        }
    }

    /// <summary>One input stream of the merge: an instrument's ticks (with the pipeline that filters them) or its inventory.</summary>
    private sealed class Head
    {
        private readonly int _instrument;
        private readonly IAsyncEnumerator<Tick>? _ticks;
        private readonly IAsyncEnumerator<InventoryValue>? _inventory;

        public Head(int instrument, InstrumentPipeline pipeline, IAsyncEnumerator<Tick> ticks)
        {
            _instrument = instrument;
            Pipeline = pipeline;
            _ticks = ticks;
        }

        public Head(int instrument, IAsyncEnumerator<InventoryValue> inventory)
        {
            _instrument = instrument;
            _inventory = inventory;
        }

        public InstrumentPipeline? Pipeline { get; }

        public Tick Tick => _ticks!.Current;

        public InventoryValue Inventory => _inventory!.Current;

        public EventOrder Key => _ticks is not null
            ? new EventOrder(_ticks.Current.Time.UtcTicks, EventOrder.MarketRank, _instrument, 0)
            : new EventOrder(_inventory!.Current.PublishedAt.UtcTicks, EventOrder.InventoryRank, _instrument, 0);

        public ValueTask<bool> MoveNextAsync() => _ticks?.MoveNextAsync() ?? _inventory!.MoveNextAsync();

        public ValueTask DisposeAsync() => _ticks?.DisposeAsync() ?? _inventory!.DisposeAsync();
    }
}
