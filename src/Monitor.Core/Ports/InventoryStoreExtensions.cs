using Monitor.Core.Market;

namespace Monitor.Core.Ports;

public static class InventoryStoreExtensions
{
    /// <summary>
    /// Stores what a batch changes: new values and restatements, not repeats of the latest version
    /// (<see cref="InventoryRevisions"/>). Returns every value with what it was. Callers that may run at once for one
    /// instrument must take turns (the instrument grain does; so does an import).
    /// </summary>
    public static async Task<IReadOnlyList<InventoryRevision>> AppendChangesAsync(
        this IInventoryStore store, IReadOnlyList<InventoryValue> values, DateTimeOffset receivedAt, CancellationToken cancellationToken = default)
    {
        var revisions = await store.ClassifyAsync(values, cancellationToken).ConfigureAwait(false);
        await store.AppendAsync([.. revisions.Where(r => r.Change != InventoryChange.Unchanged).Select(r => r.Value)], receivedAt, cancellationToken).ConfigureAwait(false);
        return revisions;
    }

    /// <summary>
    /// What each value of a batch would be against the latest stored versions: new, a restatement, or a repeat
    /// (<see cref="InventoryRevisions"/>); stores nothing.
    /// </summary>
    public static async Task<IReadOnlyList<InventoryRevision>> ClassifyAsync(
        this IInventoryStore store, IReadOnlyList<InventoryValue> values, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(values);
        if (values.Count == 0)
        {
            return [];
        }

        var latest = new List<InventoryValue>();
        foreach (var instrument in values.Select(v => v.Instrument).Distinct())
        {
            var dates = values.Where(v => v.Instrument == instrument).Select(v => v.AsOf).ToList();
            foreach (var stored in await store.ReadLatestVersionsAsync(instrument, dates.Min(), dates.Max(), cancellationToken).ConfigureAwait(false))
            {
                latest.Add(stored.Value);
            }
        }

        return InventoryRevisions.Classify(latest, values);
    }
}
