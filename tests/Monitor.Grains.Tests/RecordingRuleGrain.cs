using Monitor.Grains.Rules;

namespace Monitor.Grains.Tests;

/// <summary>A rule grain that keeps what an instrument grain's feed sends it, for tests without a silo.</summary>
internal sealed class RecordingRuleGrain : IRuleGrain
{
    public List<RuleFeed> Feeds { get; } = [];

    public Task FeedAsync(RuleFeed feed)
    {
        Feeds.Add(feed);
        return Task.CompletedTask;
    }

    public Task FeedInventoryAsync(InventoryBatch batch) => Task.CompletedTask;

    public Task SyncAsync() => Task.CompletedTask;

    public Task<RuleStatusView?> GetStatusAsync() => Task.FromResult<RuleStatusView?>(null);
}
