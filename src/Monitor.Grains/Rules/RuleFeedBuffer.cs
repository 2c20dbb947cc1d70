using Monitor.Core.Market;

namespace Monitor.Grains.Rules;

/// <summary>
/// What an instrument grain has stored and applied since it last fed its rule grains. Feeds go out on a timer, so
/// under load one feed carries many requests' ticks. Past <see cref="MaxTicks"/> the ticks are dropped and the rule
/// grains read them from the tick store instead (the feed then starts after them).
/// </summary>
internal sealed class RuleFeedBuffer
{
    private const int MaxTicks = 200_000;

    private readonly List<Tick> _ticks = [];
    private readonly List<long> _indexes = [];
    private readonly List<InventoryValue> _inventory = [];
    private long _afterIndex;
    private long _throughIndex;

    public bool IsEmpty => _throughIndex == _afterIndex && _inventory.Count == 0;

    /// <summary>Starts after the stored tick <paramref name="index"/> (the grain's watermark when it activates).</summary>
    public void Reset(long index)
    {
        _ticks.Clear();
        _indexes.Clear();
        _afterIndex = _throughIndex = index;
    }

    /// <summary>A tick was stored under <paramref name="index"/>; <paramref name="applied"/> unless late.</summary>
    public void Stored(in Tick tick, long index, bool applied)
    {
        if (applied)
        {
            if (_ticks.Count == MaxTicks)
            {
                Reset(_throughIndex);
            }

            _ticks.Add(tick);
            _indexes.Add(index);
        }

        _throughIndex = index;
    }

    public void Inventory(in InventoryValue value) => _inventory.Add(value);

    /// <summary>Takes everything as one feed for the rules that read ticks, and its inventory alone for those that read only series.</summary>
    public (RuleFeed Ticks, RuleFeed Inventory) Take(InstrumentId instrument)
    {
        InventoryValue[] inventory = [.. _inventory];
        var ticks = new RuleFeed(instrument, _afterIndex, _throughIndex, [.. _ticks], [.. _indexes], inventory);
        _inventory.Clear();
        Reset(_throughIndex);
        return (ticks, new RuleFeed(instrument, 0, 0, [], [], inventory));
    }
}
