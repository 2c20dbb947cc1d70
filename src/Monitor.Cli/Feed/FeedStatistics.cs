using System.Collections.Concurrent;

namespace Monitor.Cli.Feed;

/// <summary>Counters shared by the posters and the reporter.</summary>
internal sealed class FeedStatistics
{
#pragma warning disable CA1051 // Fields, so that Interlocked can update them.
    public long TicksSent;
    public long TicksAccepted;
    public long Duplicates;
    public long Late;
    public long Rejected;
    public long TicksFailed;
    public long Requests;
    public long FailedRequests;
    public long InventorySent;
    public long InventoryAccepted;
    public long InventoryRejected;
    public long StreamReconnects;
#pragma warning restore CA1051

    private volatile bool _inventoryEnabled = true;

    public ConcurrentDictionary<string, long> Failures { get; } = new(StringComparer.Ordinal);

    /// <summary>Of <c>POST /api/v1/ticks</c>, from sending the request to reading the whole response.</summary>
    public LatencyRecorder RequestLatency { get; } = new();

    /// <summary>False once the server answered 404 to an inventory post: from then on only ticks are sent.</summary>
    public bool InventoryEnabled => _inventoryEnabled;

    public void DisableInventory() => _inventoryEnabled = false;
}
