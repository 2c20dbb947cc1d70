namespace Monitor.Grains;

/// <summary>Settings of the instrument grains (<c>Monitor:Instruments</c>).</summary>
public sealed class InstrumentGrainOptions
{
    public const string Section = "Monitor:Instruments";

    /// <summary>
    /// An instrument that has ingested nothing (no tick, inventory or rule change) for this long deactivates, so a
    /// catalog of thousands keeps only its active instruments in memory. It writes its state first; its next call
    /// activates it again from what is stored. At least <see cref="WriteBehind.Interval"/>, how often it checks.
    /// </summary>
    public TimeSpan IdleAfter { get; set; } = TimeSpan.FromMinutes(15);
}
