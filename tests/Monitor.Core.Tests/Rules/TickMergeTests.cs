using Monitor.Core.Market;
using Monitor.Core.Rules;

namespace Monitor.Core.Tests.Rules;

/// <summary>Which quiet instruments a release would pass, so that their grains' stored ticks can be merged in first.</summary>
public sealed class TickMergeTests
{
    private const long IdleAfter = 2_000;
    private static readonly InstrumentId Gold = InstrumentId.Parse("COMEX:GC");
    private static readonly InstrumentId Silver = InstrumentId.Parse("COMEX:SI");
    private static readonly DateTimeOffset Start = new(2026, 3, 2, 9, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Idle_NamesTheQuietInstrumentsOnlyWhenAReleaseWouldPassThem()
    {
        var merge = new TickMerge([Gold, Silver], createdAt: 0);
        Assert.Empty(merge.Idle(now: 5_000, IdleAfter)); // nothing queued: nothing to release past anyone

        merge.Add(Queued(Gold, seconds: 1, index: 1), arrivedAt: 1_000);
        Assert.Empty(merge.Idle(now: 1_500, IdleAfter)); // silver is waited for
        Assert.Equal([Silver], merge.Idle(now: 2_500, IdleAfter));
        Assert.Equal([Gold, Silver], merge.Idle(now: 3_000, IdleAfter));
    }

    [Fact]
    public void Heard_MakesAQuietInstrumentWaitedForAgain()
    {
        var merge = new TickMerge([Gold, Silver], createdAt: 0);
        merge.Add(Queued(Gold, seconds: 1, index: 1), arrivedAt: 2_000);
        merge.Heard(Silver, at: 2_500);

        var released = new List<QueuedTick>();
        merge.Release(now: 3_000, IdleAfter, released.Add);
        Assert.Empty(released);
        Assert.Empty(merge.Idle(now: 3_000, IdleAfter));

        merge.Release(now: 4_500, IdleAfter, released.Add);
        Assert.Equal([1L], released.Select(q => q.Index));
    }

    private static QueuedTick Queued(InstrumentId instrument, int seconds, long index) =>
        QueuedTick.Of(new Tick(instrument, Start.AddSeconds(seconds), 100, 1, index), index);
}
