using Microsoft.Extensions.Options;
using Monitor.Core.Market;
using Monitor.Core.Ports;
using Monitor.Core.Rules;
using Monitor.Core.Simulation;
using Monitor.Grains;
using Monitor.Server.Hosting;

namespace Monitor.Server.Live;

/// <summary>
/// The built-in simulated feed (<c>Monitor:DemoFeed:Enabled</c>): every 100 ms it advances the market simulator
/// to the wall clock and hands its ticks and inventory values to the instrument grains, one call per instrument,
/// as the ingest route does. Simulator settings bind from <c>Monitor:DemoFeed</c> (TicksPerSecond, EpisodeInterval...).
/// On a first start it stores the default rules and their demo versions after the backfill, so alerts come from live
/// episodes rather than a day of simulated history.
/// </summary>
internal sealed class DemoFeedService(
    GrainCalls grains, InstrumentCatalog catalog, SimulatorOptions options, IOptions<DemoFeedOptions> demoOptions, IRuleStore rules, TimeProvider clock, ILogger<DemoFeedService> logger)
    : BackgroundService
{
    private static readonly TimeSpan Step = TimeSpan.FromMilliseconds(100);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var simulator = new MarketSimulator(options, Random.Shared.Next());
        var ticks = new List<Tick>();
        var inventory = new List<InventoryValue>();
        await BackfillAsync(simulator, ticks, inventory, stoppingToken);
        await SeedRulesAsync(stoppingToken);
        DivergenceEpisode? announced = null;
        using var timer = new PeriodicTimer(Step, clock);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            ticks.Clear();
            inventory.Clear();
            simulator.Advance(clock.GetUtcNow(), ticks, inventory);
            if (simulator.LatestEpisode is { } episode && !ReferenceEquals(episode, announced))
            {
                announced = episode;
                logger.LogInformation("Demo feed episode: {Episode}", episode.Description);
            }

            try
            {
                await SendAsync(ticks, inventory, clock.GetUtcNow(), stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // The feed is a demo: a failed step is logged and the next one goes on.
                logger.LogWarning(e, "Demo feed step failed");
            }
        }
    }

    /// <summary>Feeds simulated history up to now, a minute at a time, when nothing has been stored yet.</summary>
    private async Task BackfillAsync(MarketSimulator simulator, List<Tick> ticks, List<InventoryValue> inventory, CancellationToken cancellationToken)
    {
        var demo = demoOptions.Value;
        var first = simulator.Instruments[0].Value;
        var snapshot = await grains.CallAsync(g => g.GetGrain<IInstrumentGrain>(first).GetSnapshotAsync(), cancellationToken);
        if (demo.Backfill <= TimeSpan.Zero || snapshot.LastPrice is not null)
        {
            return;
        }

        var now = clock.GetUtcNow();
        int perMinute = demo.BackfillTicksPerMinute * simulator.Instruments.Count;
        int sent = 0;
        for (var t = now - demo.Backfill; t < now; t += TimeSpan.FromMinutes(1))
        {
            ticks.Clear();
            inventory.Clear();
            simulator.Advance(t, perMinute, ticks, inventory);
            await SendAsync(ticks, inventory, t, cancellationToken);
            sent += ticks.Count;
        }

        logger.LogInformation("Demo feed backfilled {Ticks} ticks over the last {Backfill}", sent, demo.Backfill);
    }

    private async Task SeedRulesAsync(CancellationToken cancellationToken)
    {
        if (!demoOptions.Value.SeedRules || (await rules.ListAsync(cancellationToken)).Count > 0)
        {
            return;
        }

        foreach (var rule in DefaultRules.All.Concat(DemoRules.All))
        {
            await rules.PutAsync(rule, clock.GetUtcNow(), "demo feed", cancellationToken);
            await RuleChanges.NotifyAsync(grains, catalog, before: null, rule, cancellationToken);
        }

        logger.LogInformation("Demo feed stored {Count} rules: the default catalog and its minute-bar demo versions", DefaultRules.All.Count + DemoRules.All.Count);
    }

    private Task SendAsync(List<Tick> ticks, List<InventoryValue> inventory, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var calls = ticks
            .GroupBy(t => t.Instrument)
            .Select(g => grains.CallAsync("ingest", f => f.GetGrain<IInstrumentGrain>(g.Key.Value).IngestAsync(new TickBatch([.. g])), cancellationToken))
            .Cast<Task>()
            .Concat(inventory
                .GroupBy(v => v.Instrument)
                .Select(g => grains.CallAsync("inventory", async f =>
                {
                    await f.GetGrain<IInstrumentGrain>(g.Key.Value).IngestInventoryAsync(new InventoryBatch([.. g], now));
                    return true;
                }, cancellationToken)));
        return Task.WhenAll(calls);
    }
}
