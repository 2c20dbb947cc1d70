using Xunit.Abstractions;

namespace Monitor.Cluster.Tests;

/// <summary>Two real silos on PostgreSQL; one dies (kill -9) or is restarted while a feed streams through the cluster.</summary>
public sealed class FailoverTests(ITestOutputHelper output)
{
    /// <summary>Instruments in the feed from each silo's grains.</summary>
    private const int PerSilo = 4;

    private static readonly TimeSpan Recovery = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task KillNineOneSiloMidIngest_LosesAndDuplicatesNothingAndQuotesKeepFlowing()
    {
        await using var cluster = await SiloCluster.StartAsync(2);
        var (a, b) = (cluster[0], cluster[1]);
        var (onA, onB) = await GrainPlacement.PlaceAsync(a, b, PerSilo);
        string[] instruments = [.. onA, .. onB];

        // One rule runs in the instrument grain on B, one over two instruments in a rule grain on B: their episodes must
        // come through B's death too.
        await FeedChecks.CreateRuleAsync(a.CreateClient(TestApiKeys.Admin), SteadyFeed.Rule(onB[0]));
        var (spreadRule, spreadOnB) = await GrainPlacement.PlaceRuleAsync(b, id => SteadyFeed.SpreadRule(id, onB[0], onA[0]));
        output.WriteLine($"the rule grain of {spreadRule} is on {(spreadOnB ? "B, which dies" : "A: placement kept it off B; it loses the grain feeding it")}");
        await using var listener = await HubListener.StartAsync(a, instruments);
        var ingest = a.CreateClient(TestApiKeys.Ingest);
        await using var feed = new SteadyFeed(instruments, onB[0], _ => ingest);
        await feed.WaitForRulePhasesAsync(3, Recovery, "the rule firing before the kill");

        // Recovery counts from B's death (its process has exited). A grain from B pushes again once it is active on A:
        // a new activation, whose push seq starts at its activation time in ms x 1000.
        long reactivated = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() * 1000;
        await cluster.KillAsync(1);
        var killedAt = DateTimeOffset.UtcNow;
        var firstQuotes = await listener.WaitForEveryInstrumentAsync(
            instruments, q => q.At > killedAt && (onA.Contains(q.Instrument) || q.Seq >= reactivated), Recovery, "quotes of every instrument on A after B died");
        await feed.WaitForRulePhasesAsync(4, Recovery, "the rule firing and resolving after the kill");
        await feed.StopAsync();

        Assert.Empty(feed.Failures);
        Assert.Empty(feed.Unanswered);
        var acked = FeedChecks.AcknowledgedThrough(feed);
        await FeedChecks.AssertStoredOnceAsync(cluster.ConnectionString, acked);
        await FeedChecks.AssertAppliedOnceAsync(a.CreateClient(), acked);
        await FeedChecks.AssertAlertsOnceAsync(a.CreateClient(), SteadyFeed.RuleId, acked[feed.RuleInstrument]);
        await FeedChecks.AssertAlertsOnceAsync(a.CreateClient(), spreadRule, acked[feed.RuleInstrument]);

        var firstAcks = feed.Acks.Where(x => x.Sent > killedAt && onB.Contains(x.Instrument)).GroupBy(x => x.Instrument).Select(g => g.Min(x => x.At));
        output.WriteLine(
            $"kill -> quotes of every instrument flowing on A: {(firstQuotes.Values.Max(q => q.At) - killedAt).TotalMilliseconds:F0} ms; " +
            $"kill -> first acknowledged tick sent after the kill, for each of the {onB.Count} instruments whose grain was on B: at most {(firstAcks.Max() - killedAt).TotalMilliseconds:F0} ms; " +
            $"{acked.Values.Sum()} ticks acknowledged");
    }

    [Fact]
    public async Task RollingRestartUnderIngest_LosesAndDuplicatesNothing()
    {
        await using var cluster = await SiloCluster.StartAsync(2);
        var (onA, onB) = await GrainPlacement.PlaceAsync(cluster[0], cluster[1], PerSilo);
        string[] instruments = [.. onA, .. onB];
        await FeedChecks.CreateRuleAsync(cluster[0].CreateClient(TestApiKeys.Admin), SteadyFeed.Rule(onA[0]));

        // Each tick goes to A first, and to B when A does not answer (then A again, and so on).
        HttpClient[] clients = [cluster[0].CreateClient(TestApiKeys.Ingest), cluster[1].CreateClient(TestApiKeys.Ingest)];
        await using var feed = new SteadyFeed(instruments, onA[0], attempt => clients[attempt % 2]);
        await feed.WaitForRulePhasesAsync(3, Recovery, "the rule firing before the restarts");

        for (int silo = 0; silo < 2; silo++)
        {
            await cluster.RestartAsync(silo);
            clients[silo] = cluster[silo].CreateClient(TestApiKeys.Ingest);
            await feed.WaitForAcksAsync(DateTimeOffset.UtcNow, Recovery, $"ingest after silo {silo} restarted");
            await feed.WaitForRulePhasesAsync(2, Recovery, $"the rule firing or resolving after silo {silo} restarted");
        }

        for (int silo = 0; silo < 2; silo++)
        {
            await using var listener = await HubListener.StartAsync(cluster[silo], instruments);
            await listener.WaitForEveryInstrumentAsync(instruments, _ => true, Recovery, $"quotes of every instrument on restarted silo {silo}");
        }

        await feed.StopAsync();
        Assert.Empty(feed.Failures);
        var acked = FeedChecks.AcknowledgedThrough(feed);
        await FeedChecks.AssertStoredOnceAsync(cluster.ConnectionString, acked);
        await FeedChecks.AssertAppliedOnceAsync(cluster[1].CreateClient(), acked);
        await FeedChecks.AssertAlertsOnceAsync(cluster[0].CreateClient(), SteadyFeed.RuleId, acked[feed.RuleInstrument]);
        output.WriteLine($"{acked.Values.Sum()} ticks acknowledged, {feed.Unanswered.Count} attempts sent to a stopped silo and sent again");
    }
}
