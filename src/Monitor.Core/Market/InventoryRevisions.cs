namespace Monitor.Core.Market;

/// <summary>What a received inventory value is against what is stored for its series, location and <c>asOf</c>.</summary>
public enum InventoryChange
{
    /// <summary>Nothing stored for that key yet.</summary>
    New,

    /// <summary>The latest stored version has the same numbers: nothing to store, publish or tell anyone.</summary>
    Unchanged,

    /// <summary>Other numbers for an activity date already stored: a new version.</summary>
    Restated,
}

/// <summary>A received value and what it is; <paramref name="Previous"/> is the quantity it restates.</summary>
public readonly record struct InventoryRevision(InventoryValue Value, InventoryChange Change, double? Previous);

/// <summary>
/// Tells new values, repeats and restatements apart (docs/api.md, Ingest): a value whose instrument, series,
/// location (case aside) and <c>asOf</c> are stored is a repeat when its quantity and unit equal the latest version's,
/// else a restatement of it. Values of one batch are compared with the ones before them too.
/// </summary>
public static class InventoryRevisions
{
    /// <param name="latest">The latest stored version of each key the batch may touch (others are ignored).</param>
    /// <param name="received">The batch, in order.</param>
    public static IReadOnlyList<InventoryRevision> Classify(IEnumerable<InventoryValue> latest, IReadOnlyList<InventoryValue> received)
    {
        ArgumentNullException.ThrowIfNull(latest);
        ArgumentNullException.ThrowIfNull(received);
        var current = new Dictionary<Key, InventoryValue>();
        foreach (var value in latest)
        {
            current[Key.Of(value)] = value;
        }

        var revisions = new List<InventoryRevision>(received.Count);
        foreach (var value in received)
        {
            var key = Key.Of(value);
            if (!current.TryGetValue(key, out var stored))
            {
                revisions.Add(new InventoryRevision(value, InventoryChange.New, null));
            }
            else if (stored.Unit == value.Unit && stored.Quantity.Equals(value.Quantity))
            {
                revisions.Add(new InventoryRevision(value, InventoryChange.Unchanged, stored.Quantity));
                continue;
            }
            else
            {
                revisions.Add(new InventoryRevision(value, InventoryChange.Restated, stored.Quantity));
            }

            current[key] = value;
        }

        return revisions;
    }

    private readonly record struct Key(InstrumentId Instrument, string Series, string Location, DateOnly AsOf)
    {
        public static Key Of(in InventoryValue value) => new(value.Instrument, value.Series, InventoryLocation.Key(value.Location), value.AsOf);
    }
}
