using System.Runtime.CompilerServices;
using Monitor.Core.Backtesting;
using Monitor.Core.Market;

namespace Monitor.Core.Tests.Backtesting;

/// <summary>Events held in memory, served as a store serves them: ticks in index (list) order in small blocks.</summary>
internal sealed class MemorySource(int blockSize = 3) : IBacktestSource
{
    private readonly List<Tick> _ticks = [];
    private readonly List<(InstrumentId Instrument, BarInterval Interval, Bar Bar)> _bars = [];
    private readonly List<(InventoryValue Value, int Version)> _inventory = [];

    /// <summary>Blocks of ticks handed out so far.</summary>
    public int BlocksRead { get; private set; }

    public MemorySource Add(params IEnumerable<Tick> ticks)
    {
        _ticks.AddRange(ticks);
        return this;
    }

    public MemorySource Add(string instrument, BarInterval interval, params IEnumerable<Bar> bars)
    {
        _bars.AddRange(bars.Select(b => (InstrumentId.Parse(instrument), interval, b)));
        return this;
    }

    public MemorySource Add(params IEnumerable<InventoryValue> values)
    {
        foreach (var value in values)
        {
            int version = _inventory.Count(v => v.Value.Instrument == value.Instrument && v.Value.Series == value.Series && v.Value.AsOf == value.AsOf) + 1;
            _inventory.Add((value, version));
        }

        return this;
    }

    public Task<DataExtent?> FindTicksAsync(InstrumentId instrument, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken)
    {
        var times = InRange(instrument, from, to).Select(t => t.Time).ToList();
        return Task.FromResult(times.Count == 0 ? (DataExtent?)null : new DataExtent(times.Min(), times.Max()));
    }

    public async IAsyncEnumerable<ReadOnlyMemory<Tick>> ReadTicksAsync(
        InstrumentId instrument, DateTimeOffset from, DateTimeOffset to, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await Task.Yield();
        foreach (var block in InRange(instrument, from, to).Chunk(blockSize))
        {
            BlocksRead++;
            yield return block;
        }
    }

    public async IAsyncEnumerable<Bar> ReadBarsAsync(
        InstrumentId instrument, BarInterval interval, DateTimeOffset from, DateTimeOffset to, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await Task.Yield();
        foreach (var (id, i, bar) in _bars.Where(b => b.Instrument == instrument && b.Interval == interval && b.Bar.Time >= from && b.Bar.Time < to).OrderBy(b => b.Bar.Time))
        {
            yield return bar;
        }
    }

    public async IAsyncEnumerable<InventoryValue> ReadInventoryAsync(
        InstrumentId instrument, DateTimeOffset from, DateTimeOffset to, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await Task.Yield();
        var values = _inventory
            .Where(v => v.Value.Instrument == instrument && v.Value.PublishedAt >= from && v.Value.PublishedAt < to)
            .OrderBy(v => v.Value.PublishedAt).ThenBy(v => v.Value.Series, StringComparer.Ordinal).ThenBy(v => v.Value.AsOf).ThenBy(v => v.Version);
        foreach (var (value, _) in values)
        {
            yield return value;
        }
    }

    private IEnumerable<Tick> InRange(InstrumentId instrument, DateTimeOffset from, DateTimeOffset to) =>
        _ticks.Where(t => t.Instrument == instrument && t.Time >= from && t.Time < to);
}
