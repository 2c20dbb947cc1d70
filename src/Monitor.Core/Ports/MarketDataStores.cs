using Monitor.Core.Backtesting;
using Monitor.Core.Market;

namespace Monitor.Core.Ports;

/// <summary>
/// A tick as the live service stored it. <paramref name="Index"/> numbers one instrument's stored ticks 1, 2, 3...
/// in the order its grain received them, so a grain can resume from a watermark and a backtest can replay
/// them in that order. <paramref name="Late"/> marks ticks that arrived after their bar had closed and were not applied.
/// </summary>
public readonly record struct StoredTick(long Index, DateTimeOffset Time, double Price, double Volume, long Seq, bool Late);

/// <summary>How far an instrument's stored ticks go: the highest index and the highest feed <c>seq</c> (0 if none).</summary>
public readonly record struct TickMark(long LastIndex, long LastSeq);

/// <summary>An admin's removal of an instrument's ticks with <paramref name="From"/> &lt;= time &lt; <paramref name="To"/>,
/// as recorded: <paramref name="By"/> is the API key's name, <paramref name="Count"/> the ticks removed.</summary>
public sealed record TickDeletion(InstrumentId Instrument, DateTimeOffset From, DateTimeOffset To, string By, DateTimeOffset At, long Count);

/// <summary>Durable tick storage. Appends from concurrent callers are group-committed.</summary>
public interface ITickStore
{
    /// <summary>Appends one instrument's ticks, indices increasing; durable when the task completes.
    /// Appending an index already stored is a no-op for that tick (a retried call stores nothing twice).</summary>
    ValueTask AppendAsync(InstrumentId instrument, ReadOnlyMemory<StoredTick> ticks, CancellationToken cancellationToken = default);

    Task<TickMark> GetMarkAsync(InstrumentId instrument, CancellationToken cancellationToken = default);

    /// <summary>Ticks with an index above <paramref name="afterIndex"/>, in index order.</summary>
    IAsyncEnumerable<StoredTick> ReadAfterAsync(InstrumentId instrument, long afterIndex, CancellationToken cancellationToken = default);

    /// <summary>
    /// Ticks with an index above <paramref name="afterIndex"/> and a time at or after <paramref name="notBefore"/>, in
    /// index order: what a replay needs when every earlier tick would be late. The time bound keeps PostgreSQL's read
    /// to the day partitions from <paramref name="notBefore"/> on, where a read by index alone probes every partition.
    /// </summary>
    IAsyncEnumerable<StoredTick> ReadAfterAsync(InstrumentId instrument, long afterIndex, DateTimeOffset notBefore, CancellationToken cancellationToken = default);

    /// <summary>Ticks with <paramref name="from"/> &lt;= time &lt; <paramref name="to"/>, in index order.</summary>
    IAsyncEnumerable<StoredTick> ReadRangeAsync(InstrumentId instrument, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken = default);

    /// <summary>The first and last time of the ticks with <paramref name="from"/> &lt;= time &lt; <paramref name="to"/>, or null if there are none.</summary>
    Task<DataExtent?> FindExtentAsync(InstrumentId instrument, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken = default);

    /// <summary>
    /// The bulk read of replays and backtests: the ticks of <see cref="ReadRangeAsync"/> in index order, in blocks that
    /// are read ahead on another thread while the caller works on the previous one. A block is valid until the next
    /// <c>MoveNextAsync</c>; memory holds two blocks whatever the range.
    /// </summary>
    IAsyncEnumerable<ReadOnlyMemory<StoredTick>> ReadBlocksAsync(InstrumentId instrument, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken = default);

    /// <summary>
    /// In one transaction: removes the ticks of <paramref name="deletion"/>'s range, the bars of
    /// <paramref name="intervals"/> those ticks fell in (the instrument's grain stores them again from the ticks that
    /// remain), and records the deletion with the number of ticks removed, which it returns. The instrument's mark
    /// keeps its index (indices are never reused) and takes the highest <c>seq</c> that remains.
    /// </summary>
    Task<TickDeletion> DeleteRangeAsync(TickDeletion deletion, IReadOnlyList<BarInterval> intervals, CancellationToken cancellationToken = default);

    /// <summary>The recorded deletions of an instrument's ticks, oldest first.</summary>
    Task<IReadOnlyList<TickDeletion>> ReadDeletionsAsync(InstrumentId instrument, CancellationToken cancellationToken = default);
}

/// <summary>What one pass of <see cref="ITickRetention.MaintainAsync"/> did.</summary>
/// <param name="PartitionsCreated">Day partitions created ahead of the clock (PostgreSQL; 0 for SQLite).</param>
/// <param name="PartitionsDropped">The partitions dropped whole because every tick in them was past the retention.</param>
/// <param name="TicksDeleted">Ticks deleted row by row (SQLite, which has no partitions).</param>
public sealed record TickRetentionResult(int PartitionsCreated, IReadOnlyList<string> PartitionsDropped, long TicksDeleted);

/// <summary>
/// Keeps the tick store ready for the days ahead and, when a retention is set, removes ticks older than it. Only ticks
/// go: bars, alerts, inventory and each instrument's tick numbering stay, so nothing derived from the ticks is lost.
/// </summary>
public interface ITickRetention
{
    /// <summary>
    /// Creates what ticks dated up to a week past <paramref name="now"/> need (PostgreSQL's day partitions), then, if
    /// <paramref name="retention"/> is set, removes ticks older than <paramref name="now"/> minus it: whole day
    /// partitions in PostgreSQL (a day goes once all of it is past the retention), rows in SQLite. Safe to run from
    /// several silos at once.
    /// </summary>
    Task<TickRetentionResult> MaintainAsync(DateTimeOffset now, TimeSpan? retention, CancellationToken cancellationToken = default);
}

/// <summary>Closed bars, kept so reads and warm-up need not rebuild them from ticks.</summary>
public interface IBarStore
{
    /// <summary>Inserts or replaces bars by (instrument, interval, open time).</summary>
    ValueTask UpsertAsync(InstrumentId instrument, BarInterval interval, IReadOnlyList<Bar> bars, CancellationToken cancellationToken = default);

    /// <summary>Bars with <paramref name="from"/> &lt;= open time &lt; <paramref name="to"/>, oldest first, at most <paramref name="limit"/> (the newest ones).</summary>
    Task<IReadOnlyList<Bar>> ReadAsync(InstrumentId instrument, BarInterval interval, DateTimeOffset from, DateTimeOffset to, int limit, CancellationToken cancellationToken = default);

    /// <summary>Every bar with <paramref name="from"/> &lt;= open time &lt; <paramref name="to"/>, oldest first, streamed.</summary>
    IAsyncEnumerable<Bar> ReadRangeAsync(InstrumentId instrument, BarInterval interval, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken = default);

    /// <summary>Removes the bars opening at or after <paramref name="from"/> (a rebuilt pipeline's bars still open were stored
    /// closed before).</summary>
    Task DeleteFromAsync(InstrumentId instrument, BarInterval interval, DateTimeOffset from, CancellationToken cancellationToken = default);
}

/// <summary>An inventory value as stored: quantity in the series' base unit, with its restatement version (1, 2...).</summary>
public readonly record struct StoredInventory(InventoryValue Value, DateTimeOffset ReceivedAt, int Version);

/// <summary>
/// Inventory values keyed by (instrument, series, location, asOf), each key versioned by restatement. Locations are
/// matched without regard to case (<see cref="InventoryLocation.Key"/>); a null location is the series' total.
/// </summary>
public interface IInventoryStore
{
    /// <summary>Appends values; a value for a key already stored becomes its next version. Deciding whether a value is worth
    /// storing (<see cref="InventoryRevisions"/>) is the caller's: <see cref="InventoryStoreExtensions.AppendChangesAsync"/>.</summary>
    ValueTask AppendAsync(IReadOnlyList<InventoryValue> values, DateTimeOffset receivedAt, CancellationToken cancellationToken = default);

    /// <summary>One series at one location (null: the total) by asOf (inclusive bounds), oldest first; the latest version
    /// of each asOf unless <paramref name="allVersions"/>.</summary>
    Task<IReadOnlyList<StoredInventory>> ReadAsync(
        InstrumentId instrument, string series, string? location, DateOnly from, DateOnly to, bool allVersions, CancellationToken cancellationToken = default);

    /// <summary>The latest version of every key of an instrument with <paramref name="from"/> &lt;= asOf &lt;= <paramref name="to"/>, in no set order.</summary>
    Task<IReadOnlyList<StoredInventory>> ReadLatestVersionsAsync(InstrumentId instrument, DateOnly from, DateOnly to, CancellationToken cancellationToken = default);

    /// <summary>The newest value (latest asOf, latest version) of each series and location of an instrument, or of one
    /// series when <paramref name="series"/> is given; ordered by series, then the total before the locations by name.</summary>
    Task<IReadOnlyList<StoredInventory>> ReadNewestAsync(InstrumentId instrument, string? series, CancellationToken cancellationToken = default);

    /// <summary>Every stored value of an instrument (all series and locations, all versions) with <paramref name="from"/> &lt;= publishedAt &lt; <paramref name="to"/>,
    /// ordered by publishedAt, series (ordinal), location key, asOf and version: the order in which rules and backtests see them
    /// (<see cref="Core.Pipeline.EventOrder"/>).</summary>
    IAsyncEnumerable<StoredInventory> ReadPublishedAsync(InstrumentId instrument, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken = default);
}

/// <summary>
/// An instrument's headline state as its grain last wrote it (with its saved state, on the write-behind timer and on
/// deactivation): the last price, today's change, the indicator values of <paramref name="Interval"/> (its finest
/// interval then) and the seq of the last hub message sent. The instrument list reads it for instruments whose grain is
/// not active, so listing thousands of instruments activates none.
/// </summary>
public sealed record InstrumentSnapshotRecord(
    InstrumentId Instrument, string Interval, double? Price, DateTimeOffset? Time, double? ChangePct,
    IReadOnlyDictionary<string, double> Indicators, long Seq);

/// <summary>The last written <see cref="InstrumentSnapshotRecord"/> of each instrument.</summary>
public interface IInstrumentSnapshotStore
{
    /// <summary>Replaces the instrument's snapshot.</summary>
    Task PutAsync(InstrumentSnapshotRecord snapshot, CancellationToken cancellationToken = default);

    /// <summary>Every instrument's snapshot, in no set order.</summary>
    Task<IReadOnlyList<InstrumentSnapshotRecord>> ReadAllAsync(CancellationToken cancellationToken = default);
}

/// <summary>
/// The instrument registry: instruments added or changed at run time and derived series (their full definitions, the
/// expression included), one row per instrument, replaced in place. The service keeps it; tools reading the store (a
/// backtest from the command line) take their catalog from it as the service does.
/// </summary>
public interface IInstrumentDefinitionStore
{
    /// <summary>Adds or replaces each definition, all in one write.</summary>
    Task PutAsync(IReadOnlyCollection<InstrumentDefinition> definitions, CancellationToken cancellationToken = default);

    /// <summary>Removes one; false if it was not there.</summary>
    Task<bool> RemoveAsync(InstrumentId id, CancellationToken cancellationToken = default);

    /// <summary>Every definition, ordered by id.</summary>
    Task<IReadOnlyList<InstrumentDefinition>> ReadAllAsync(CancellationToken cancellationToken = default);
}
