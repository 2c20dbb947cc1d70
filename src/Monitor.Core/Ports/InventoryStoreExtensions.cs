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

        var revisions = InventoryRevisions.Classify(latest, values);
        var changed = revisions.Where(r => r.Change != InventoryChange.Unchanged).Select(r => r.Value).ToList();
        await store.AppendAsync(changed, receivedAt, cancellationToken).ConfigureAwait(false);
        return revisions;
    }
}
