using System.Globalization;
using Monitor.Core.Market;
using Monitor.Core.Ports;
using Monitor.Server.Ingest;
using Monitor.Sources;

namespace Monitor.Server.Sources;

/// <summary>Stores what a source's report changed: inventory values through <see cref="InventoryIngest"/>, the one way
/// values enter Monitor (checked, stored by their instruments' grains, then rules, the hub and webhooks see them), all
/// or nothing; bars into the bar store.</summary>
public sealed class SourceIngest(InventoryIngest inventory, IBarStore bars)
{
    /// <summary>Null when everything was stored, else why nothing was: each refused value with what is wrong with it.</summary>
    public async Task<string?> StoreAsync(ReportChanges changes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(changes);
        var result = await inventory.IngestAllAsync(changes.Inventory, cancellationToken).ConfigureAwait(false);
        if (result.Rejected.Count > 0)
        {
            return string.Join("; ", result.Rejected.Select(r => $"{Describe(changes.Inventory[r.Index])}: {r.Error}"));
        }

        foreach (var group in changes.Bars.GroupBy(b => (b.Instrument, b.Interval)))
        {
            await bars.UpsertAsync(group.Key.Instrument, group.Key.Interval, [.. group.Select(b => b.Bar)], cancellationToken).ConfigureAwait(false);
        }

        return null;
    }

    private static string Describe(InventoryValue value) =>
        string.Create(CultureInfo.InvariantCulture, $"{value.Instrument}/{value.Series}{(value.Location is { } location ? "@" + location : "")} of {value.AsOf:yyyy-MM-dd}");
}
