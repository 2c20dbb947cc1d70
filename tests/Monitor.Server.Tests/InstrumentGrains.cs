using Monitor.Grains;
using Orleans.Runtime;

namespace Monitor.Server.Tests;

/// <summary>The instrument grains of an in-process server, for tests of what an instrument does when it comes back from idle.</summary>
internal static class InstrumentGrains
{
    public static async Task<List<GrainId>> ActiveAsync(IGrainFactory grains) =>
        await grains.GetGrain<IManagementGrain>(0).GetActiveGrains(grains.GetGrain<IInstrumentGrain>("ANY:ID").GetGrainId().Type);

    /// <summary>Deactivates every instrument grain (each writes its state and snapshot as it goes) and waits until none is left.</summary>
    public static async Task DeactivateAllAsync(IGrainFactory grains)
    {
        foreach (var grain in await ActiveAsync(grains))
        {
            await grains.GetGrain<IManagementGrain>(0).DeactivateGrain(grain);
        }

        await Eventually.GetAsync(() => ActiveAsync(grains), active => active.Count == 0, TimeSpan.FromSeconds(30), "every instrument grain deactivated");
    }
}
