using System.Collections.Concurrent;
using Monitor.Core.Backtesting;
using Monitor.Core.Market;
using Monitor.Core.Ports;

namespace Monitor.Grains.Tests;

/// <summary>The real tick store, counting per instrument how often the grains read ticks by index and probe the mark.</summary>
public sealed class CountingTickStore(ITickStore store) : ITickStore
{
    private readonly ConcurrentDictionary<InstrumentId, int> _reads = new();
    private readonly ConcurrentDictionary<InstrumentId, int> _markProbes = new();

    /// <summary>Reads of ticks by index (either <c>ReadAfterAsync</c>) of <paramref name="instrument"/> so far.</summary>
    public int Reads(InstrumentId instrument) => _reads.GetValueOrDefault(instrument);

    /// <summary>Probes of the mark (<see cref="GetMarkAsync"/>) of <paramref name="instrument"/> so far.</summary>
    public int MarkProbes(InstrumentId instrument) => _markProbes.GetValueOrDefault(instrument);

    public ValueTask AppendAsync(InstrumentId instrument, ReadOnlyMemory<StoredTick> ticks, CancellationToken cancellationToken = default) =>
        store.AppendAsync(instrument, ticks, cancellationToken);

    public Task<TickMark> GetMarkAsync(InstrumentId instrument, CancellationToken cancellationToken = default)
    {
        _markProbes.AddOrUpdate(instrument, 1, (_, n) => n + 1);
        return store.GetMarkAsync(instrument, cancellationToken);
    }

    public IAsyncEnumerable<StoredTick> ReadAfterAsync(InstrumentId instrument, long afterIndex, CancellationToken cancellationToken = default)
    {
        _reads.AddOrUpdate(instrument, 1, (_, n) => n + 1);
        return store.ReadAfterAsync(instrument, afterIndex, cancellationToken);
    }

    public IAsyncEnumerable<StoredTick> ReadAfterAsync(InstrumentId instrument, long afterIndex, DateTimeOffset notBefore, CancellationToken cancellationToken = default)
    {
        _reads.AddOrUpdate(instrument, 1, (_, n) => n + 1);
        return store.ReadAfterAsync(instrument, afterIndex, notBefore, cancellationToken);
    }

    public IAsyncEnumerable<StoredTick> ReadRangeAsync(InstrumentId instrument, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken = default) =>
        store.ReadRangeAsync(instrument, from, to, cancellationToken);

    public Task<DataExtent?> FindExtentAsync(InstrumentId instrument, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken = default) =>
        store.FindExtentAsync(instrument, from, to, cancellationToken);

    public IAsyncEnumerable<ReadOnlyMemory<StoredTick>> ReadBlocksAsync(InstrumentId instrument, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken = default) =>
        store.ReadBlocksAsync(instrument, from, to, cancellationToken);

    public Task<TickDeletion> DeleteRangeAsync(TickDeletion deletion, IReadOnlyList<BarInterval> intervals, CancellationToken cancellationToken = default) =>
        store.DeleteRangeAsync(deletion, intervals, cancellationToken);

    public Task<IReadOnlyList<TickDeletion>> ReadDeletionsAsync(InstrumentId instrument, CancellationToken cancellationToken = default) =>
        store.ReadDeletionsAsync(instrument, cancellationToken);
}
