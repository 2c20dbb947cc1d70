using System.Globalization;
using Monitor.Core.Market;

namespace Monitor.Core.Alerts;

/// <summary>
/// A restatement just stored: a new version of an inventory value (<paramref name="Value"/>, in its series' base unit)
/// and the quantity of the version it replaces (<paramref name="Previous"/>), which webhooks that ask for
/// <c>inventory.restated</c> are told of (<see cref="AlertConsequences.Deliveries(InventoryRestatement, IEnumerable{Ports.Webhook})"/>).
/// </summary>
public sealed record InventoryRestatement(InventoryValue Value, double Previous)
{
    /// <summary>The restatements among what an ingest stored.</summary>
    public static List<InventoryRestatement> Of(IEnumerable<InventoryRevision> revisions)
    {
        ArgumentNullException.ThrowIfNull(revisions);
        return [.. revisions.Where(r => r.Change == InventoryChange.Restated && r.Previous is not null).Select(r => new InventoryRestatement(r.Value, r.Previous!.Value))];
    }

    /// <summary>
    /// What its deliveries are about (their <c>alertId</c>): the value's series, location and <c>asOf</c>, when it was
    /// published and its quantity, so storing the same version again (a retry, a replay) adds no second delivery.
    /// </summary>
    public string Subject => string.Create(
        CultureInfo.InvariantCulture,
        $"inventory:{Value.Instrument}/{Value.Series}{(Value.Location is { } location ? "@" + InventoryLocation.Key(location) : "")}/{Value.AsOf:yyyy-MM-dd}/{Value.PublishedAt.UtcDateTime:yyyy-MM-ddTHH:mm:ss.fffffffZ}/{Value.Quantity:R}");
}
