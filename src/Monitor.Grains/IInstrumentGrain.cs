using Monitor.Core.Market;
using Monitor.Core.Ports;

namespace Monitor.Grains;

/// <summary>One instrument: its ticks, bars, indicators and inventory. Keyed by the instrument id (<c>COMEX:SI</c>).</summary>
[Alias("Monitor.IInstrumentGrain")]
public interface IInstrumentGrain : IGrainWithStringKey
{
    /// <summary>Stores, then applies, one request's ticks for this instrument, in order. Returns when they are durable.</summary>
    [Alias("Ingest")]
    Task<IngestCounts> IngestAsync(TickBatch batch);

    /// <summary>Stores what one batch of inventory values for this instrument changes (quantities in base units: new
    /// values and restatements, not repeats), then publishes that. Returns when it is durable.</summary>
    [Alias("IngestInventory")]
    Task<InventoryIngestCounts> IngestInventoryAsync(InventoryBatch batch);

    /// <summary>Rebuilds the pipeline from the instrument's current definition (after its intervals changed).</summary>
    [Alias("Reload")]
    Task ReloadAsync();

    /// <summary>
    /// Removes the stored ticks with <paramref name="from"/> &lt;= time &lt; <paramref name="to"/> (a bad feed's) and
    /// records who did (<paramref name="by"/>); then the grain starts again from what remains: its saved state is
    /// cleared and the next activation rebuilds bars, last price, indicators and rule state from the stored ticks.
    /// </summary>
    [Alias("DeleteTicks")]
    Task<TickDeletion> DeleteTicksAsync(DateTimeOffset from, DateTimeOffset to, string by);

    /// <summary>Reads a rule's definition again (it reads this instrument, and was created, changed or deleted).</summary>
    [Alias("SyncRule")]
    Task SyncRuleAsync(string ruleId);

    /// <summary>What the last evaluation of a rule over this instrument alone found, or null if it does not run here.</summary>
    [Alias("GetRuleStatus")]
    Task<Rules.RuleStatusView?> GetRuleStatusAsync(string ruleId);

    [Alias("GetSnapshot")]
    Task<InstrumentSnapshot> GetSnapshotAsync();

    /// <summary>The bar being built for an interval, if any (closed bars are read from the bar store).</summary>
    [Alias("GetOpenBar")]
    Task<Bar?> GetOpenBarAsync(string interval);

    /// <summary>Indicator values over the closed bars of an interval, or null if the instrument has no such interval.</summary>
    [Alias("GetIndicators")]
    Task<IndicatorSnapshot?> GetIndicatorsAsync(string interval);
}

[GenerateSerializer, Immutable, Alias("Monitor.TickBatch")]
public sealed record TickBatch([property: Id(0)] Tick[] Ticks);

[GenerateSerializer, Immutable, Alias("Monitor.InventoryBatch")]
public sealed record InventoryBatch([property: Id(0)] InventoryValue[] Values, [property: Id(1)] DateTimeOffset ReceivedAt);

/// <summary>What an inventory batch held: values new to the store, repeats of the latest version, restatements.</summary>
[GenerateSerializer, Immutable, Alias("Monitor.InventoryIngestCounts")]
public sealed record InventoryIngestCounts([property: Id(0)] int New, [property: Id(1)] int Unchanged, [property: Id(2)] int Restated)
{
    public static InventoryIngestCounts None { get; } = new(0, 0, 0);

    /// <summary>Counts what the inventory store made of a batch's values.</summary>
    public static InventoryIngestCounts Of(IReadOnlyList<InventoryRevision> revisions) => new(
        revisions.Count(r => r.Change == InventoryChange.New),
        revisions.Count(r => r.Change == InventoryChange.Unchanged),
        revisions.Count(r => r.Change == InventoryChange.Restated));

    public InventoryIngestCounts Add(InventoryIngestCounts other) =>
        new(New + other.New, Unchanged + other.Unchanged, Restated + other.Restated);
}

[GenerateSerializer, Immutable, Alias("Monitor.IngestCounts")]
public sealed record IngestCounts([property: Id(0)] int Accepted, [property: Id(1)] int Duplicates, [property: Id(2)] int Late)
{
    public static IngestCounts None { get; } = new(0, 0, 0);

    public IngestCounts Add(IngestCounts other) =>
        new(Accepted + other.Accepted, Duplicates + other.Duplicates, Late + other.Late);
}

/// <summary>The instrument's last price and the headline indicator values (of its finest interval).</summary>
[GenerateSerializer, Immutable, Alias("Monitor.InstrumentSnapshot")]
public sealed record InstrumentSnapshot(
    [property: Id(0)] InstrumentId Instrument,
    [property: Id(1)] double? LastPrice,
    [property: Id(2)] DateTimeOffset? LastTime,
    [property: Id(3)] double? ChangePct,
    [property: Id(4)] IReadOnlyDictionary<string, double> Indicators,
    [property: Id(5)] long Seq);

[GenerateSerializer, Immutable, Alias("Monitor.IndicatorSnapshot")]
public sealed record IndicatorSnapshot(
    [property: Id(0)] DateTimeOffset? Time,
    [property: Id(1)] IReadOnlyDictionary<string, double> Values);
