using Monitor.Core.Market;
using Monitor.Grains;

namespace Monitor.Grains.Tests;

/// <summary>An instrument grain pushes at most one quote per <see cref="RelayOutbox.Interval"/>, with the latest state, on fake time.</summary>
public sealed class QuoteCoalescingTests : IAsyncLifetime
{
    private readonly GrainCluster _cluster = new();
    private readonly RelayRecorder _relay = new();

    public async Task InitializeAsync()
    {
        await _cluster.InitializeAsync();
        await _relay.RegisterAsync(_cluster.Grains);
    }

    public Task DisposeAsync() => _cluster.DisposeAsync();

    [Fact]
    public async Task BatchesWithinOneInterval_PushTheFirstAtOnceAndTheLatestWhenTheIntervalEnds()
    {
        var id = InstrumentId.Parse("COMEX:SI");
        var grain = _cluster.Grains.GetGrain<IInstrumentGrain>(id.Value);
        var time = _cluster.Time.GetUtcNow();

        await grain.IngestAsync(new TickBatch([new Tick(id, time, 30.0, 1, 1)]));
        var first = await _relay.NextQuoteAsync();
        await grain.IngestAsync(new TickBatch([new Tick(id, time.AddSeconds(1), 30.5, 1, 2)]));
        await grain.IngestAsync(new TickBatch([new Tick(id, time.AddSeconds(2), 31.0, 1, 3)]));

        _cluster.Time.Advance(RelayOutbox.Interval);
        var latest = await _relay.NextQuoteAsync();

        Assert.Equal(30.0, first.Price);
        Assert.Equal(31.0, latest.Price);
        Assert.Equal(first.Seq + 1, latest.Seq); // nothing went out in between

    }
}
