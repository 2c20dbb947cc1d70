using Monitor.Core.Ports;
using Monitor.Core.Market;
using Monitor.Grains;
using Monitor.Server.Hosting;
using Monitor.Sources;
using Monitor.Storage;

namespace Monitor.Server.Sources;

/// <summary>Stores what a source's report changed: inventory values through their instruments' grains, as
/// <c>POST /api/v1/inventory</c> does (stored, then rules and hub clients see them), bars into the bar store.</summary>
public sealed class SourceIngest(GrainCalls grains, IBarStore bars)
{
    public async Task StoreAsync(ReportChanges changes, DateTimeOffset receivedAt, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(changes);
        await Task.WhenAll(changes.Inventory.GroupBy(v => v.Instrument).Select(group => grains.CallAsync(
            "inventory",
            async g =>
            {
                await g.GetGrain<IInstrumentGrain>(group.Key.Value).IngestInventoryAsync(new InventoryBatch([.. group], receivedAt));
                return true;
            },
            cancellationToken))).ConfigureAwait(false);
        foreach (var group in changes.Bars.GroupBy(b => (b.Instrument, b.Interval)))
        {
            await bars.UpsertAsync(group.Key.Instrument, group.Key.Interval, [.. group.Select(b => b.Bar)], cancellationToken).ConfigureAwait(false);
        }
    }
}
