using Monitor.Core.Market;
using Monitor.Core.Pipeline;
using Monitor.Core.Ports;
using Monitor.Core.Rules;

namespace Monitor.Grains.Rules;

/// <summary>
/// Inventory a grain's rules saw after their state was last written lives only in memory: on activation the grain
/// feeds it again from the store, found by when it was received.
/// </summary>
internal static class InventoryReplay
{
    /// <summary>
    /// Feeds <paramref name="driver"/> the values of <paramref name="instrument"/> received after
    /// <paramref name="receivedAfter"/>, by publishedAt; returns the latest receipt time fed (or <paramref name="receivedAfter"/>).
    /// </summary>
    public static async Task<DateTimeOffset> FeedAsync(
        IInventoryStore store, InstrumentId instrument, DateTimeOffset receivedAfter, PipelineDriver driver, List<AlertTransition> output, CancellationToken cancellationToken)
    {
        var through = receivedAfter;
        await foreach (var stored in store.ReadPublishedAsync(instrument, DateTimeOffset.MinValue, DateTimeOffset.MaxValue, cancellationToken))
        {
            if (stored.ReceivedAt > receivedAfter)
            {
                driver.Inventory(stored.Value, output);
                through = stored.ReceivedAt > through ? stored.ReceivedAt : through;
            }
        }

        return through;
    }
}
