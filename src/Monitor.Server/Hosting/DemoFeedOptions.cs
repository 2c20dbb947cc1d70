namespace Monitor.Server.Hosting;

/// <summary>
/// <c>Monitor:DemoFeed</c>: the built-in simulated feed. The same section also holds the simulator's own settings
/// (<see cref="Monitor.Core.Simulation.SimulatorOptions"/>).
/// </summary>
public sealed class DemoFeedOptions
{
    public const string Section = "Monitor:DemoFeed";

    public bool Enabled { get; set; } = true;

    /// <summary>On a first start (no ticks stored yet), this much simulated history is fed first, so bars and
    /// indicators have values from the start. Zero turns it off.</summary>
    public TimeSpan Backfill { get; set; } = TimeSpan.FromDays(1);

    /// <summary>Ticks per instrument per minute of backfilled history.</summary>
    public int BackfillTicksPerMinute { get; set; } = 6;

    /// <summary>On a first start (no rules stored yet), store the default rules and the demo's minute-bar versions of them.</summary>
    public bool SeedRules { get; set; } = true;
}
