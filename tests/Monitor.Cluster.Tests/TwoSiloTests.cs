
namespace Monitor.Cluster.Tests;

/// <summary>Two real silos on PostgreSQL serve as one service: any silo answers, and work that must happen once does.</summary>
public sealed class TwoSiloTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task TicksThroughOneSilo_ReachHubClientsOnBoth_WebhooksSentOnceAndABacktestRunOnce()
    {
        await using var cluster = await SiloCluster.StartAsync(2);
        await using var receiver = await WebhookReceiver.StartAsync();
        var (a, b) = (cluster[0], cluster[1]);
        var (onA, onB) = await GrainPlacement.PlaceAsync(a, b, 1);
        string[] instruments = [onA[0], onB[0]];

        // The webhook is created on A, the rule on B; the rule's instrument lives on B, its ticks come through A.
        var webhook = await (await a.CreateClient(TestApiKeys.Admin).PostJsonAsync("/api/v1/webhooks", $$"""{"url":"{{receiver.Url}}"}""")).OkJsonAsync();
        string webhookId = webhook["id"]!.GetValue<string>();
        await FeedChecks.CreateRuleAsync(b.CreateClient(TestApiKeys.Admin), SteadyFeed.Rule(onB[0]));
        await using var onSiloA = await HubListener.StartAsync(a, instruments);
        await using var onSiloB = await HubListener.StartAsync(b, instruments);

        // 50 ticks each: the rule's instrument is above 100 for seq 11-20 and 31-40: two episodes, fired and resolved.
        object[] ticks = [.. instruments.SelectMany(instrument => Enumerable.Range(1, 50).Select(seq => TestApi.Tick(
            instrument, SteadyFeed.Start.AddSeconds(seq).ToString("O"), SteadyFeed.Above(seq) ? 110 : 90, volume: 1, seq)))];
        var ingested = await (await a.CreateClient(TestApiKeys.Ingest).PostItemsAsync("/api/v1/ticks", ticks)).OkJsonAsync();
        Assert.Equal(100, ingested["accepted"]!.GetValue<int>());

        foreach (var listener in new[] { onSiloA, onSiloB })
        {
            await Eventually.GetAsync(() => Task.FromResult(listener.Quotes.Select(q => q.Instrument).Distinct().Count()), n => n == 2, Deadline, "quotes of both instruments");
            var pushed = await Eventually.GetAsync(() => Task.FromResult(listener.Alerts), p => p.Count >= 4, Deadline, "the alerts' four transitions");
            Assert.Equal(["firing", "firing", "resolved", "resolved"], pushed.Select(p => p.Split(' ')[0]).Order());
        }

        // Both silos' dispatchers watch the outbox: each delivery is sent by one of them, once.
        var received = await receiver.WaitForAsync(4, Deadline);
        var admin = b.CreateClient(TestApiKeys.Admin);
        var deliveries = await Eventually.GetAsync(
            async () => (await admin.GetJsonAsync($"/api/v1/webhooks/{webhookId}/deliveries")).AsArray(),
            d => d.Count == 4 && d.All(x => x!["state"]!.GetValue<string>() == "delivered"),
            Deadline,
            "four deliveries delivered");
        Assert.All(deliveries, d => Assert.Single(d!["attempts"]!.AsArray()));
        Assert.Equal(deliveries.Select(d => d!["id"]!.GetValue<string>()).Order(), received.Select(r => r.Id).Order());

        var started = await (await a.CreateClient(TestApiKeys.Admin).PostJsonAsync("/api/v1/backtests", $$"""{"ruleIds":["{{SteadyFeed.RuleId}}"]}""")).OkJsonAsync();
        string path = $"/api/v1/backtests/{started["id"]!.GetValue<string>()}";
        var report = await Eventually.GetAsync(() => b.CreateClient().GetJsonAsync(path), r => r["state"]!.GetValue<string>() != "running", Deadline, "the backtest");
        Assert.Equal("completed", report["state"]!.GetValue<string>());
        Assert.Equal(2, report["alerts"]!.AsArray().Count);
        Assert.Equal(report.ToJsonString(), (await a.CreateClient().GetJsonAsync(path)).ToJsonString());

        foreach (var silo in new[] { a, b })
        {
            var board = await silo.CreateClient().GetAsync("/");
            Assert.Equal("text/html", board.Content.Headers.ContentType?.MediaType);
        }
    }
}
