using Monitor.Core.Market;
using Monitor.Core.Pipeline;

namespace Monitor.Core.Backtesting;

/// <summary>One ordered stream of events in a backtest's merge; <see cref="Key"/> is the order of its current event.</summary>
internal abstract class EventStream
{
    public EventOrder Key { get; protected set; }

    /// <summary>Feeds the current event to the run.</summary>
    public abstract void Feed(BacktestRun run);

    /// <summary>Moves to the next event within what is already read; false when more must be fetched.</summary>
    public abstract bool Advance();

    /// <summary>Reads on; false at the end of the stream.</summary>
    public abstract ValueTask<bool> FetchAsync();

    public abstract ValueTask DisposeAsync();
}

/// <summary>One instrument's ticks, a block at a time, through its pipeline.</summary>
internal sealed class TickStream(IAsyncEnumerator<ReadOnlyMemory<Tick>> blocks, InstrumentPipeline pipeline, int instrument) : EventStream
{
    private ReadOnlyMemory<Tick> _block;
    private int _position;

    public InstrumentPipeline Pipeline => pipeline;

    public override void Feed(BacktestRun run) => run.Tick(this, instrument, _block.Span[_position]);

    public override bool Advance()
    {
        if (++_position >= _block.Length)
        {
            return false;
        }

        Key = Key with { Time = _block.Span[_position].Time.UtcTicks };
        return true;
    }

    public override async ValueTask<bool> FetchAsync()
    {
        while (await blocks.MoveNextAsync().ConfigureAwait(false))
        {
            _block = blocks.Current;
            _position = 0;
            if (!_block.IsEmpty)
            {
                Key = new EventOrder(_block.Span[0].Time.UtcTicks, EventOrder.MarketRank, instrument, 0);
                return true;
            }
        }

        return false;
    }

    public override ValueTask DisposeAsync() => blocks.DisposeAsync();
}

/// <summary>One instrument's inventory values.</summary>
internal sealed class InventoryStream(IAsyncEnumerator<InventoryValue> values, int instrument) : EventStream
{
    public override void Feed(BacktestRun run) => run.Inventory(values.Current);

    public override bool Advance() => false;

    public override async ValueTask<bool> FetchAsync()
    {
        if (!await values.MoveNextAsync().ConfigureAwait(false))
        {
            return false;
        }

        Key = new EventOrder(values.Current.PublishedAt.UtcTicks, EventOrder.InventoryRank, instrument, 0);
        return true;
    }

    public override ValueTask DisposeAsync() => values.DisposeAsync();
}

/// <summary>The stored bars of one interval of an instrument that has no ticks, each an event at its close.</summary>
internal sealed class BarStream(IAsyncEnumerator<Bar> bars, InstrumentId id, BarInterval interval, int instrument, int intervalOrder) : EventStream
{
    public override void Feed(BacktestRun run) => run.Bar(id, instrument, interval, bars.Current);

    public override bool Advance() => false;

    public override async ValueTask<bool> FetchAsync()
    {
        if (!await bars.MoveNextAsync().ConfigureAwait(false))
        {
            return false;
        }

        Key = new EventOrder((bars.Current.Time + interval.Length).UtcTicks, EventOrder.MarketRank, instrument, intervalOrder);
        return true;
    }

    public override ValueTask DisposeAsync() => bars.DisposeAsync();
}

/// <summary>A binary min-heap of streams by <see cref="EventStream.Key"/>: the merge holds one entry per stream.</summary>
internal sealed class StreamHeap
{
    private readonly List<EventStream> _items = [];

    public int Count => _items.Count;

    public EventStream Top => _items[0];

    public void Add(EventStream stream)
    {
        _items.Add(stream);
        int i = _items.Count - 1;
        while (i > 0)
        {
            int parent = (i - 1) / 2;
            if (_items[parent].Key <= _items[i].Key)
            {
                break;
            }

            (_items[parent], _items[i]) = (_items[i], _items[parent]);
            i = parent;
        }
    }

    /// <summary>Restores the order after the top stream moved on.</summary>
    public void TopChanged()
    {
        int count = _items.Count;
        int i = 0;
        var item = _items[0];
        while (true)
        {
            int child = 2 * i + 1;
            if (child >= count)
            {
                break;
            }

            if (child + 1 < count && _items[child + 1].Key < _items[child].Key)
            {
                child++;
            }

            if (item.Key <= _items[child].Key)
            {
                break;
            }

            _items[i] = _items[child];
            i = child;
        }

        _items[i] = item;
    }

    public void RemoveTop()
    {
        int last = _items.Count - 1;
        _items[0] = _items[last];
        _items.RemoveAt(last);
        if (_items.Count > 0)
        {
            TopChanged();
        }
    }
}
