using Microsoft.Extensions.Logging;
using Monitor.Core.Derived;
using Monitor.Core.Market;
using Monitor.Core.Ports;
using Monitor.Grains.Rules;

namespace Monitor.Grains.Derived;

/// <summary>
/// An instrument grain's side of the derived series that read its instrument: what it stored, fed to their grains once
/// it is stored. One that fails here (its silo died) catches up from the store when the next feed shows the gap, or when
/// it activates again.
/// </summary>
internal sealed class DerivedSeriesFeed(InstrumentId instrument, IReadOnlyList<IDerivedSeriesGrain> readers, ILogger logger)
{
    /// <summary>The feed to the derived series of <paramref name="catalog"/> whose expression reads <paramref name="instrument"/>.</summary>
    public static DerivedSeriesFeed For(InstrumentId instrument, InstrumentCatalog catalog, IGrainFactory grains, ILogger logger) =>
        new(
            instrument,
            [.. catalog.All
                .Where(d => d.Expression is not null && DerivedSeries.InputsOf(d.Expression).Contains(instrument))
                .Select(d => grains.GetGrain<IDerivedSeriesGrain>(d.Id.Value))],
            logger);

    /// <summary>Feeds the applied ticks (late ones are not) of those stored after <paramref name="afterIndex"/>, the last of them <paramref name="throughIndex"/>.</summary>
    public Task StoredAsync(long afterIndex, long throughIndex, StoredTick[] stored)
    {
        if (readers.Count == 0 || stored.Length == 0)
        {
            return Task.CompletedTask;
        }

        var applied = stored.Where(t => !t.Late).Select(t => new FedTick(new Tick(instrument, t.Time, t.Price, t.Volume, t.Seq), t.Index));
        var feed = new RuleFeed(instrument, afterIndex, throughIndex, Bars: [], [.. applied]);
        return FeedAsync(series => series.FeedAsync(feed));
    }

    /// <summary>Feeds stored inventory values that are new or restated.</summary>
    public Task InventoryAsync(InventoryBatch changed) => FeedAsync(series => series.FeedInventoryAsync(changed));

    private async Task FeedAsync(Func<IDerivedSeriesGrain, Task> feed)
    {
        try
        {
            await Task.WhenAll(readers.Select(feed));
        }
        catch (Exception e)
        {
            logger.LogWarning(e, "Feeding derived series from {Instrument} failed", instrument);
        }
    }
}
