using Monitor.Core.Market;

namespace Monitor.Core.Backtesting;

/// <summary>The first and last event time of a stream.</summary>
public readonly record struct DataExtent(DateTimeOffset First, DateTimeOffset Last);

/// <summary>
/// Where a backtest reads its events: the store the live service wrote, or files imported for the run. Every range is
/// <c>from &lt;= time &lt; to</c>. Streams are read once, front to back, so a run holds a block per instrument, not the range.
/// </summary>
public interface IBacktestSource
{
    /// <summary>The first and last tick time of <paramref name="instrument"/> in the range, or null if it has none there
    /// (its stored bars drive it then).</summary>
    Task<DataExtent?> FindTicksAsync(InstrumentId instrument, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken);

    /// <summary>The instrument's ticks in the range in the order its grain received them (stored index), in blocks; a
    /// block is valid until the next <c>MoveNextAsync</c>.</summary>
    IAsyncEnumerable<ReadOnlyMemory<Tick>> ReadTicksAsync(InstrumentId instrument, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken);

    /// <summary>Stored bars of one interval whose open time is in the range, oldest first.</summary>
    IAsyncEnumerable<Bar> ReadBarsAsync(InstrumentId instrument, BarInterval interval, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken);

    /// <summary>Every inventory value (all series and versions) published in the range, ordered by publishedAt, series
    /// (ordinal), asOf and version.</summary>
    IAsyncEnumerable<InventoryValue> ReadInventoryAsync(InstrumentId instrument, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken);
}
