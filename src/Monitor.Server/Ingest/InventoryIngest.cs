using Monitor.Core.Market;
using Monitor.Grains;
using Monitor.Server.Hosting;

namespace Monitor.Server.Ingest;

/// <summary>What one ingest of inventory values did: per value counts, and the values refused with their position.</summary>
public sealed record InventoryIngestResult(InventoryIngestCounts Counts, IReadOnlyList<InventoryRejection> Rejected);

/// <summary>A value refused before storing: its position in what was handed in, and why.</summary>
public sealed record InventoryRejection(int Index, string Error);

/// <summary>
/// How inventory values from outside enter Monitor (<c>POST /api/v1/inventory</c>, a data source): each value is checked
/// (<see cref="InventoryValidation"/>) and refused alone if bad; the others go, grouped by instrument, to the instrument
/// grains, one call each, which store what they change (new values and restatements; a repeat of the latest version
/// changes nothing) and publish it to rules, the hub and webhooks. The built-in demo feed hands its simulated values to
/// the grains itself, with its simulated clock as their receipt time. When the task completes
/// every value counted is durable.
/// </summary>
public sealed class InventoryIngest(InstrumentCatalog catalog, GrainCalls grains, TimeProvider clock)
{
    /// <summary>Values with <see cref="InventoryValue.PublishedAt"/> already set (the caller's default is usually now);
    /// each bad one is refused alone and the others are stored.</summary>
    public async Task<InventoryIngestResult> IngestAsync(IReadOnlyList<InventoryValue> values, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var (byInstrument, rejected) = Check(values, now);
        var counts = await StoreAsync(byInstrument, now, cancellationToken);
        return new InventoryIngestResult(counts, rejected);
    }

    /// <summary>All or nothing, as a publisher's report is stored: when any value is refused, none is stored and the
    /// result lists the refusals.</summary>
    public async Task<InventoryIngestResult> IngestAllAsync(IReadOnlyList<InventoryValue> values, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var (byInstrument, rejected) = Check(values, now);
        var counts = rejected.Count == 0 ? await StoreAsync(byInstrument, now, cancellationToken) : InventoryIngestCounts.None;
        return new InventoryIngestResult(counts, rejected);
    }

    /// <summary>The values that pass <see cref="InventoryValidation"/>, normalized and grouped by instrument, and the refused ones.</summary>
    private (Dictionary<InstrumentId, List<InventoryValue>> ByInstrument, List<InventoryRejection> Rejected) Check(
        IReadOnlyList<InventoryValue> values, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(values);
        var rejected = new List<InventoryRejection>();
        var byInstrument = new Dictionary<InstrumentId, List<InventoryValue>>();
        for (int i = 0; i < values.Count; i++)
        {
            if (InventoryValidation.Check(values[i], catalog, now, out var value) is { } error)
            {
                rejected.Add(new InventoryRejection(i, error));
                continue;
            }

            if (!byInstrument.TryGetValue(value.Instrument, out var group))
            {
                byInstrument[value.Instrument] = group = [];
            }

            group.Add(value);
        }

        return (byInstrument, rejected);
    }

    /// <summary>Hands values already checked, grouped by instrument, to their grains; all received at <paramref name="receivedAt"/>.</summary>
    private async Task<InventoryIngestCounts> StoreAsync(
        IReadOnlyDictionary<InstrumentId, List<InventoryValue>> byInstrument, DateTimeOffset receivedAt, CancellationToken cancellationToken)
    {
        var counts = await Task.WhenAll(byInstrument.Select(pair => grains.CallAsync(
            "inventory",
            g => g.GetGrain<IInstrumentGrain>(pair.Key.Value).IngestInventoryAsync(new InventoryBatch([.. pair.Value], receivedAt)),
            cancellationToken)));
        return counts.Aggregate(InventoryIngestCounts.None, (sum, c) => sum.Add(c));
    }
}
