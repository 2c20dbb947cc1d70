using System.Runtime.CompilerServices;
using Monitor.Core.Backtesting;
using Monitor.Core.Market;
using Monitor.Core.Ports;

namespace Monitor.Storage;

/// <summary>A backtest over what a store holds: the live service's ticks, bars and inventory, or files imported into it.</summary>
public sealed class StoreBacktestSource(ITickStore ticks, IBarStore bars, IInventoryStore inventory) : IBacktestSource
{
    public StoreBacktestSource(MonitorStore store)
        : this(store?.Ticks!, store?.Bars!, store?.Inventory!)
    {
    }

    public Task<DataExtent?> FindTicksAsync(InstrumentId instrument, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken) =>
        ticks.FindExtentAsync(instrument, from, to, cancellationToken);

    public async IAsyncEnumerable<ReadOnlyMemory<Tick>> ReadTicksAsync(
        InstrumentId instrument, DateTimeOffset from, DateTimeOffset to, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var converted = new Tick[ReadAhead.BlockSize];
        await foreach (var block in ticks.ReadBlocksAsync(instrument, from, to, cancellationToken).ConfigureAwait(false))
        {
            if (converted.Length < block.Length)
            {
                converted = new Tick[block.Length];
            }

            var stored = block.Span;
            for (int i = 0; i < stored.Length; i++)
            {
                ref readonly var tick = ref stored[i];
                converted[i] = new Tick(instrument, tick.Time, tick.Price, tick.Volume, tick.Seq);
            }

            yield return converted.AsMemory(0, stored.Length);
        }
    }

    public IAsyncEnumerable<Bar> ReadBarsAsync(InstrumentId instrument, BarInterval interval, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken) =>
        bars.ReadRangeAsync(instrument, interval, from, to, cancellationToken);

    public async IAsyncEnumerable<InventoryValue> ReadInventoryAsync(
        InstrumentId instrument, DateTimeOffset from, DateTimeOffset to, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var stored in inventory.ReadPublishedAsync(instrument, from, to, cancellationToken).ConfigureAwait(false))
        {
            yield return stored.Value;
        }
    }
}
