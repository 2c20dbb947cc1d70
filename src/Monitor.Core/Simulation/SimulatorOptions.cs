using Monitor.Core.Market;

namespace Monitor.Core.Simulation;

/// <summary>
/// Settings of a <see cref="MarketSimulator"/>. Every duration is simulated time, that is, the difference between
/// the times passed to <see cref="MarketSimulator.Advance(DateTimeOffset, List{Tick}, List{InventoryValue})"/>.
/// Bindable from configuration (<c>Monitor:DemoFeed:Simulator</c>, say); <see cref="Validate"/> lists what is wrong.
/// </summary>
public sealed class SimulatorOptions
{
    /// <summary>Ticks per second of simulated time across all simulated instruments. Default 200.</summary>
    public double TicksPerSecond { get; init; } = 200;

    /// <summary>The instruments to print ticks and inventory for (ids such as <c>COMEX:SI</c>); null or empty for all built-in ones.</summary>
    public IReadOnlyList<string>? Instruments { get; init; }

    /// <summary>Each inventory report is published again after a random delay between this and <see cref="InventoryMaxInterval"/>. Default 20 s.</summary>
    public TimeSpan InventoryMinInterval { get; init; } = TimeSpan.FromSeconds(20);

    /// <summary>Default 60 s.</summary>
    public TimeSpan InventoryMaxInterval { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Scales the report-to-report noise of inventories: 1 is the calibrated size, 0 leaves only episodes and reversion. Default 1.</summary>
    public double InventoryNoiseScale { get; init; } = 1;

    /// <summary>Delay from the first call to the first divergence episode. Default 1 minute.</summary>
    public TimeSpan FirstEpisodeDelay { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>Time from the start of one divergence episode to the start of the next; null for no episodes. Default 5 minutes.</summary>
    public TimeSpan? EpisodeInterval { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>How long an episode's price move and flows take to play out; at most <see cref="EpisodeInterval"/>. Default 3 minutes.</summary>
    public TimeSpan EpisodeDuration { get; init; } = TimeSpan.FromMinutes(3);

    /// <summary>Scales the episodes' price moves and flows. Default 1.</summary>
    public double EpisodeScale { get; init; } = 1;

    /// <summary>
    /// After an episode ends, its price move fades away with this half-life (the physical flows stay and revert only
    /// slowly), so that a long-running demo's prices stay near real levels. Default 15 minutes.
    /// </summary>
    public TimeSpan EpisodePriceHalfLife { get; init; } = TimeSpan.FromMinutes(15);

    /// <summary>
    /// Seconds of market time per second of simulated time: scales the diffusion's variance and the jumps' frequency,
    /// so a demo can show a day's moves in minutes with the same correlations. 1 (default) is real time; tick rate,
    /// inventory cadence and episodes are not affected.
    /// </summary>
    public double MarketTimeScale { get; init; } = 1;

    /// <summary>Problems with these settings, one sentence each; empty when they are usable.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (!double.IsFinite(TicksPerSecond) || TicksPerSecond <= 0)
        {
            errors.Add($"TicksPerSecond must be a number above 0, got {TicksPerSecond}");
        }

        foreach (string text in Instruments ?? [])
        {
            if (!InstrumentId.TryParse(text, out var id, out string error))
            {
                errors.Add(error);
            }
            else if (!MarketCalibration.TryGetProfile(id, out _))
            {
                errors.Add($"{id} is not simulated; the simulator knows the built-in instruments only");
            }
        }

        if (InventoryMinInterval <= TimeSpan.Zero || InventoryMaxInterval < InventoryMinInterval)
        {
            errors.Add($"inventory intervals must satisfy 0 < InventoryMinInterval <= InventoryMaxInterval, got {InventoryMinInterval} and {InventoryMaxInterval}");
        }

        if (FirstEpisodeDelay < TimeSpan.Zero)
        {
            errors.Add($"FirstEpisodeDelay must not be negative, got {FirstEpisodeDelay}");
        }

        if (EpisodeInterval is { } interval && (EpisodeDuration <= TimeSpan.Zero || EpisodeDuration > interval))
        {
            errors.Add($"episodes must satisfy 0 < EpisodeDuration <= EpisodeInterval, got {EpisodeDuration} and {interval}");
        }

        if (EpisodePriceHalfLife <= TimeSpan.Zero)
        {
            errors.Add($"EpisodePriceHalfLife must be above 0, got {EpisodePriceHalfLife}");
        }

        RequireScale(errors, nameof(InventoryNoiseScale), InventoryNoiseScale);
        RequireScale(errors, nameof(EpisodeScale), EpisodeScale);
        RequireScale(errors, nameof(MarketTimeScale), MarketTimeScale);
        return errors;
    }

    /// <summary>The simulated instruments in the catalog's order (all built-in ones when <see cref="Instruments"/> is empty).</summary>
    internal IReadOnlyList<InstrumentProfile> SelectedProfiles()
    {
        if (Instruments is not { Count: > 0 } ids)
        {
            return MarketCalibration.Instruments;
        }

        var wanted = ids.Select(InstrumentId.Parse).ToHashSet();
        return MarketCalibration.Instruments.Where(p => wanted.Contains(p.Instrument)).ToArray();
    }

    private static void RequireScale(List<string> errors, string name, double value)
    {
        if (!double.IsFinite(value) || value < 0)
        {
            errors.Add($"{name} must be a finite number from 0, got {value}");
        }
    }
}
