using Monitor.Core.Market;
using Monitor.Core.Simulation;

namespace Monitor.Core.Tests.Simulation;

/// <summary>Everything a simulator emitted over a run, plus the episodes it started.</summary>
public sealed record SimulationRun(List<Tick> Ticks, List<InventoryValue> Inventory, List<DivergenceEpisode> Episodes)
{
    public static readonly DateTimeOffset Start = new(2026, 1, 14, 14, 30, 0, TimeSpan.Zero);

    /// <summary>Opens the market at <see cref="Start"/> and advances it in steps of <paramref name="step"/> until <paramref name="duration"/>.</summary>
    public static SimulationRun Record(SimulatorOptions options, int seed, TimeSpan duration, TimeSpan step)
    {
        var simulator = new MarketSimulator(options, seed);
        var run = new SimulationRun([], [], []);
        for (var elapsed = TimeSpan.Zero; ; elapsed += step)
        {
            var at = elapsed < duration ? elapsed : duration;
            simulator.Advance(Start + at, run.Ticks, run.Inventory);
            if (simulator.LatestEpisode is { } episode && (run.Episodes.Count == 0 || run.Episodes[^1] != episode))
            {
                run.Episodes.Add(episode);
            }

            if (at == duration)
            {
                return run;
            }
        }
    }

    /// <summary>The price of the last tick of <paramref name="instrument"/> at or before <paramref name="time"/>.</summary>
    public double PriceAtOrBefore(InstrumentId instrument, DateTimeOffset time) =>
        Ticks.Last(t => t.Instrument == instrument && t.Time <= time).Price;

    /// <summary>The price of the first tick of <paramref name="instrument"/> at or after <paramref name="time"/>.</summary>
    public double PriceAtOrAfter(InstrumentId instrument, DateTimeOffset time) =>
        Ticks.First(t => t.Instrument == instrument && t.Time >= time).Price;

    /// <summary>The last published value of a series at or before <paramref name="time"/>.</summary>
    public double QuantityAtOrBefore(InstrumentId instrument, string series, DateTimeOffset time) =>
        Inventory.Last(v => v.Instrument == instrument && v.Series == series && v.Location is null && v.PublishedAt <= time).Quantity;

    /// <summary>The first published value of a series at or after <paramref name="time"/>.</summary>
    public double QuantityAtOrAfter(InstrumentId instrument, string series, DateTimeOffset time) =>
        Inventory.First(v => v.Instrument == instrument && v.Series == series && v.Location is null && v.PublishedAt >= time).Quantity;
}
