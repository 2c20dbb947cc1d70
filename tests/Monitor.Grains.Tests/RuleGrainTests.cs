using Monitor.Core.Market;
using Monitor.Core.Pipeline;
using Monitor.Core.Rules;
using Monitor.Grains.Rules;

namespace Monitor.Grains.Tests;

/// <summary>A rule over several instruments waits for a silent input for <c>Monitor:Rules:InputIdleAfter</c> of fake time.</summary>
public sealed class RuleGrainTests : IAsyncLifetime
{
    private static readonly InstrumentId Cash = InstrumentId.Parse("LME:CA.CASH");

    private readonly GrainCluster _cluster = new();

    public Task InitializeAsync() => _cluster.InitializeAsync();

    public Task DisposeAsync() => _cluster.DisposeAsync();

    [Fact]
    public async Task SilentInput_IsWaitedForUntilItHasBeenIdleForInputIdleAfter()
    {
        var rule = RuleJson.Parse("""
            {"id":"ca-spread","type":"spread","interval":"1m","params":{"near":"LME:CA.CASH","far":"LME:CA","op":"above","value":20}}
            """).Rule!;
        await _cluster.Store.Rules.PutAsync(rule, _cluster.Time.GetUtcNow(), "test");
        var grain = _cluster.Grains.GetGrain<IRuleGrain>(rule.Id);
        await grain.SyncAsync();

        // Three minutes of the cash contract's ticks, with the bars its pipeline closed; the 3-month contract sends nothing.
        await grain.FeedAsync(Feed(Cash, _cluster.Time.GetUtcNow(), minutes: 3));
        var waiting = await grain.GetStatusAsync();
        _cluster.Time.Advance(new RuleGrainOptions().InputIdleAfter - TimeSpan.FromMilliseconds(500));
        var stillWaiting = await grain.GetStatusAsync();
        _cluster.Time.Advance(TimeSpan.FromMilliseconds(500));
        var evaluated = await grain.GetStatusAsync(); // queued behind the idle check the advance fired

        Assert.Equal("none", waiting!.Outcome);
        Assert.Equal("none", stillWaiting!.Outcome);
        Assert.Equal("missingInput", evaluated!.Outcome);
        Assert.Contains("LME:CA", evaluated.Input, StringComparison.Ordinal);
    }

    /// <summary>A tick every 10 s through a pipeline of one-minute bars, as the instrument's grain feeds them.</summary>
    private static RuleFeed Feed(InstrumentId instrument, DateTimeOffset start, int minutes)
    {
        var pipeline = new InstrumentPipeline(instrument, [BarInterval.OneMinute], []);
        var closed = new List<ClosedBar>();
        var fed = new List<FedTick>();
        for (int i = 0; i <= minutes * 6; i++)
        {
            var tick = new Tick(instrument, start.AddSeconds(10 * i), 9000 + i, 1, i + 1);
            closed.Clear();
            pipeline.Apply(tick, closed);
            fed.Add(new FedTick(tick, i + 1, closed.Count == 0 ? null : [.. closed]));
        }

        return new RuleFeed(instrument, 0, fed.Count, [.. fed]);
    }
}
