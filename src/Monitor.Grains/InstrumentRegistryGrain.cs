using Monitor.Core.Market;
using Orleans.Runtime;

namespace Monitor.Grains;

/// <summary>
/// Instruments added or changed at run time (<c>PUT /api/v1/instruments/{id}</c>), persisted, so every silo's
/// catalog can pick them up and an instrument grain activating anywhere finds its definition.
/// </summary>
[Alias("Monitor.IInstrumentRegistryGrain")]
public interface IInstrumentRegistryGrain : IGrainWithIntegerKey
{
    [Alias("Put")]
    Task PutAsync(InstrumentRecord instrument);

    /// <summary>Adds or changes many at once, in one write of the registry.</summary>
    [Alias("PutMany")]
    Task PutManyAsync(InstrumentRecord[] instruments);

    [Alias("GetAll")]
    Task<InstrumentRecord[]> GetAllAsync();

    /// <summary>One instrument's record, or null if it was never added or changed at run time (a built-in one).</summary>
    [Alias("Get")]
    Task<InstrumentRecord?> GetAsync(string id);

    /// <summary>Removes one (a derived series being deleted); false if it was not there.</summary>
    [Alias("Remove")]
    Task<bool> RemoveAsync(string id);
}

/// <summary>An instrument definition in a form Orleans and the grain storage keep.</summary>
[GenerateSerializer, Immutable, Alias("Monitor.InstrumentRecord")]
public sealed record InstrumentRecord(
    [property: Id(0)] string Id,
    [property: Id(1)] string Name,
    [property: Id(2)] InstrumentKind Kind,
    [property: Id(3)] string Currency,
    [property: Id(4)] string Unit,
    [property: Id(5)] string[] Intervals,
    [property: Id(6)] bool PreciousMetal)
{
    /// <summary>A derived series' expression; null for other instruments.</summary>
    [Id(7)]
    public string? Expression { get; init; }

    public static InstrumentRecord From(InstrumentDefinition definition) => new(
        definition.Id.Value, definition.Name, definition.Kind, definition.Currency, definition.Unit,
        [.. definition.Intervals.Select(i => i.Name)], definition.PreciousMetal)
    {
        Expression = definition.Expression,
    };

    public InstrumentDefinition ToDefinition() => new(
        InstrumentId.Parse(Id), Name, Kind, Currency, Unit, [.. Intervals.Select(BarInterval.Parse)], PreciousMetal)
    {
        Expression = Expression,
    };
}

/// <summary>A silo's <see cref="InstrumentCatalog"/> kept in step with the registry.</summary>
public static class InstrumentRegistry
{
    /// <summary>Puts every instrument of the registry into <paramref name="catalog"/>, and drops derived series deleted since.</summary>
    public static async Task RefreshAsync(IGrainFactory grains, InstrumentCatalog catalog)
    {
        var records = await grains.GetGrain<IInstrumentRegistryGrain>(0).GetAllAsync();
        foreach (var gone in catalog.All.Where(d => d.Expression is not null && !Array.Exists(records, r => r.Id == d.Id.Value)))
        {
            catalog.Remove(gone.Id);
        }

        foreach (var record in records)
        {
            catalog.Put(record.ToDefinition());
        }
    }

    /// <summary>An instrument's definition from the registry, which has it even when it was added or changed on another silo
    /// just now, or from <paramref name="catalog"/> for a built-in one the registry does not hold. Reads its record only: an
    /// activation costs the same with ten or ten thousand instruments.</summary>
    public static async Task<InstrumentDefinition> FindAsync(IGrainFactory grains, InstrumentCatalog catalog, InstrumentId id)
    {
        if (await grains.GetGrain<IInstrumentRegistryGrain>(0).GetAsync(id.Value) is { } record)
        {
            catalog.Put(record.ToDefinition());
        }

        return catalog.TryGet(id, out var definition) ? definition : throw new InvalidOperationException($"unknown instrument {id}");
    }
}

[GenerateSerializer, Alias("Monitor.InstrumentRegistryState")]
public sealed class InstrumentRegistryState
{
    [Id(0)] public Dictionary<string, InstrumentRecord> Instruments { get; set; } = [];
}

public sealed class InstrumentRegistryGrain(
    [PersistentState("instrumentRegistry", MonitorGrainStorage.Name)] IPersistentState<InstrumentRegistryState> state)
    : Grain, IInstrumentRegistryGrain
{
    public async Task PutAsync(InstrumentRecord instrument)
    {
        state.State.Instruments[instrument.Id] = instrument;
        await state.WriteStateAsync();
    }

    public async Task PutManyAsync(InstrumentRecord[] instruments)
    {
        foreach (var instrument in instruments)
        {
            state.State.Instruments[instrument.Id] = instrument;
        }

        await state.WriteStateAsync();
    }

    public Task<InstrumentRecord[]> GetAllAsync() => Task.FromResult(state.State.Instruments.Values.ToArray());

    public Task<InstrumentRecord?> GetAsync(string id) => Task.FromResult(state.State.Instruments.GetValueOrDefault(id));

    public async Task<bool> RemoveAsync(string id)
    {
        if (!state.State.Instruments.Remove(id))
        {
            return false;
        }

        await state.WriteStateAsync();
        return true;
    }
}
