using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Monitor.Core.Market;
using Monitor.Core.Pipeline;
using Monitor.Core.Ports;
using Monitor.Core.Rules;
using Monitor.Grains.Rules;
using Monitor.Storage;

namespace Monitor.Grains.Tests;

/// <summary>How an instrument grain numbers the ticks it stores and what it feeds the rule grains, without a silo.</summary>
public sealed class TickIntakeTests : IAsyncLifetime
{
    private static readonly InstrumentId Silver = InstrumentId.Parse("COMEX:SI");
    private static readonly DateTimeOffset Start = new(2026, 3, 2, 9, 0, 0, TimeSpan.Zero);

    private readonly RecordingRuleGrain _rule = new();
    private TemporaryStore _temporary = null!;

    private MonitorStore Store => _temporary.Store;

    public async Task InitializeAsync() => _temporary = await TemporaryStore.OpenAsync();

    public async Task DisposeAsync() => await _temporary.DisposeAsync();

    [Fact]
    public void Batches_NumberEveryTickButDuplicates_AndStoreLateOnesFlagged()
    {
        var (intake, _, _) = Intake();

        var (first, firstCounts) = intake.Take(Batch((0, 30.0, 1), (70, 31.0, 2)));
        // A repeat of seq 2, a tick dated before the closed bar (late), then a new one.
        var (second, secondCounts) = intake.Take(Batch((70, 31.0, 2), (10, 29.0, 3), (80, 32.0, 4)));

        Assert.Equal(new IngestCounts(2, 0, 0), firstCounts);
        Assert.Equal(new IngestCounts(1, 1, 1), secondCounts);
        Assert.Equal([1L, 2], first.Select(t => t.Index));
        Assert.Equal([(3L, true), (4L, false)], second.Select(t => (t.Index, t.Late)));
        Assert.Equal(4, intake.LastIndex);
    }

    [Fact]
    public void RuleGrains_GetTheAppliedTicksUnderTheirStoredIndices_AndNothingOnceStoringFailed()
    {
        var (intake, _, feed) = Intake(ruleOverSeveral: true);

        intake.Take(Batch((0, 30.0, 1), (10, 29.0, 2)));
        feed.FeedIfDue();
        intake.Take(Batch((20, 31.0, 3)));
        intake.Abandon();
        feed.FeedIfDue();

        var sent = Assert.Single(_rule.Feeds);
        Assert.Equal([1L, 2], sent.Ticks.Select(t => t.Index));
        Assert.Equal((0L, 2L), (sent.AfterIndex, sent.ThroughIndex));
    }

    [Fact]
    public async Task Resume_ReplaysTheTicksStoredAfterTheWatermark_AndNumbersOnAfterTheStoresLastIndex()
    {
        var (stored, _, _) = Intake();
        var (ticks, _) = stored.Take(Batch((0, 30.0, 1), (10, 31.0, 2), (20, 32.0, 3)));
        await Store.Ticks.AppendAsync(Silver, ticks);
        await Store.Ticks.DeleteRangeAsync(new TickDeletion(Silver, Start.AddSeconds(15), Start.AddSeconds(25), "test", Start, 0), [BarInterval.OneMinute]);

        // The saved state had tick 1: tick 2 is replayed; tick 3 is gone, but its index is not given out again.
        var (resumed, run, _) = Intake();
        run.Apply(new Tick(Silver, Start, 30.0, 1, 1));
        await resumed.ResumeAsync(Store.Ticks, watermark: 1, CancellationToken.None);
        var openBar = run.OpenBar("1m");
        var (next, _) = resumed.Take(Batch((30, 33.0, 4)));

        Assert.Equal((30.0, 31.0, 2.0), (openBar!.Value.Open, openBar.Value.Close, openBar.Value.Volume));
        Assert.Equal(4, Assert.Single(next).Index);
    }

    [Fact]
    public async Task Resume_NothingStoredPastTheWatermark_KeepsTheSavedStateAndNumbersOn()
    {
        var (stored, _, _) = Intake();
        var (ticks, _) = stored.Take(Batch((0, 30.0, 1), (10, 31.0, 2)));
        await Store.Ticks.AppendAsync(Silver, ticks);

        // The saved state had both ticks (a clean stop): nothing to replay.
        var (resumed, run, _) = Intake();
        run.Apply(new Tick(Silver, Start, 30.0, 1, 1));
        run.Apply(new Tick(Silver, Start.AddSeconds(10), 31.0, 1, 2));
        await resumed.ResumeAsync(Store.Ticks, watermark: 2, CancellationToken.None);
        var openBar = run.OpenBar("1m");
        var (next, counts) = resumed.Take(Batch((20, 32.0, 3)));

        Assert.Equal((30.0, 31.0, 2.0), (openBar!.Value.Open, openBar.Value.Close, openBar.Value.Volume));
        Assert.Equal(new IngestCounts(1, 0, 0), counts);
        Assert.Equal(3, Assert.Single(next).Index);
    }

    [Fact]
    public async Task Resume_AfterACrash_ReadsNoTickLateForTheSavedOpenBar_AndCountsItsSeqAsSeen()
    {
        var (stored, _, _) = Intake();
        // Tick 4 is dated in the minute tick 2 closed: late, with the highest seq.
        var (ticks, _) = stored.Take(Batch((0, 30.0, 1), (70, 31.0, 2), (80, 32.0, 3), (10, 29.0, 4)));
        await Store.Ticks.AppendAsync(Silver, ticks);

        // The saved state had ticks 1 and 2, so its open bar is the second minute: tick 3 is replayed, tick 4 is not read.
        var (resumed, run, _) = Intake();
        run.Apply(new Tick(Silver, Start, 30.0, 1, 1));
        run.Apply(new Tick(Silver, Start.AddSeconds(70), 31.0, 1, 2));
        await resumed.ResumeAsync(Store.Ticks, watermark: 2, CancellationToken.None);
        var openBar = run.OpenBar("1m");
        var (resent, resentCounts) = resumed.Take(Batch((10, 29.0, 4)));
        var (next, _) = resumed.Take(Batch((90, 33.0, 5)));

        Assert.Equal((31.0, 32.0, 2.0), (openBar!.Value.Open, openBar.Value.Close, openBar.Value.Volume));
        Assert.Equal(new IngestCounts(0, 1, 0), resentCounts);
        Assert.Empty(resent);
        Assert.Equal(5, Assert.Single(next).Index);
    }

    private (TickIntake Intake, InstrumentRun Run, RuleGrainFeed Feed) Intake(bool ruleOverSeveral = false)
    {
        var run = new InstrumentRun(new InstrumentPipeline(Silver, [BarInterval.OneMinute], []));
        var feed = new RuleGrainFeed(Silver, _ => _rule, new FakeTimeProvider(Start), NullLogger.Instance);
        if (ruleOverSeveral)
        {
            var rule = RuleJson.Parse(
                """{"id":"spread","type":"spread","interval":"1m","evaluate":"tick","params":{"near":"COMEX:SI","far":"COMEX:GC","op":"above","value":1} }""").Rule!;
            new InstrumentRules(run, feed).Load([rule]);
        }

        var intake = new TickIntake(run, feed);
        feed.UpdateReaders(intake.LastIndex);
        return (intake, run, feed);
    }

    private static TickBatch Batch(params (double Seconds, double Price, long Seq)[] ticks) =>
        new([.. ticks.Select(t => new Tick(Silver, Start.AddSeconds(t.Seconds), t.Price, 1, t.Seq))]);
}
