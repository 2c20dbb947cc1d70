using Monitor.Core.Market;

namespace Monitor.Grains.Rules;

/// <summary>
/// One rule over several instruments (a divergence, a cross-venue flow, a ratio, a spread), keyed by the rule id.
/// The grains of the instruments it reads feed it; rules over one instrument run inside that instrument's grain.
/// </summary>
[Alias("Monitor.IRuleGrain")]
public interface IRuleGrain : IGrainWithStringKey
{
    /// <summary>What one instrument's grain stored and applied since its last feed to this rule.</summary>
    [Alias("Feed")]
    Task FeedAsync(RuleFeed feed);

    /// <summary>Reads the rule's definition again from the store (it was created, changed or deleted).</summary>
    [Alias("Sync")]
    Task SyncAsync();
}

/// <summary>
/// An instrument's new data for the rules that read it: the ticks it stored with indices after
/// <see cref="AfterIndex"/> through <see cref="ThroughIndex"/>, of which <see cref="Ticks"/> (with their
/// <see cref="Indexes"/>) were applied (late ones were not), and inventory values it received. A rule grain that finds
/// <see cref="AfterIndex"/> beyond what it has seen reads the gap from the tick store, so a lost feed loses nothing.
/// With no ticks covered both indices are 0.
/// </summary>
[GenerateSerializer, Immutable, Alias("Monitor.RuleFeed")]
public sealed record RuleFeed(
    [property: Id(0)] InstrumentId Instrument,
    [property: Id(1)] long AfterIndex,
    [property: Id(2)] long ThroughIndex,
    [property: Id(3)] Tick[] Ticks,
    [property: Id(4)] long[] Indexes,
    [property: Id(5)] InventoryValue[] Inventory);
