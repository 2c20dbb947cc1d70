using Monitor.Core.Market;
using Monitor.Core.Ports;
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

/// <summary>What grain storage held of the registry before the store kept it; moved to the store once, then empty.</summary>
[GenerateSerializer, Alias("Monitor.InstrumentRegistryState")]
public sealed class InstrumentRegistryState
{
    [Id(0)] public Dictionary<string, InstrumentRecord> Instruments { get; set; } = [];
}

/// <summary>
/// <see cref="IInstrumentRegistryGrain"/>, kept in the store's instrument registry (<see cref="IInstrumentDefinitionStore"/>)
/// so that tools reading the store (a backtest from the command line) see the instruments and derived series the service
/// has. Holds them all in memory while active.
/// </summary>
public sealed class InstrumentRegistryGrain(
    [PersistentState("instrumentRegistry", MonitorGrainStorage.Name)] IPersistentState<InstrumentRegistryState> earlier,
    IInstrumentDefinitionStore store)
    : Grain, IInstrumentRegistryGrain
{
    private readonly Dictionary<string, InstrumentRecord> _instruments = [];

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (earlier.State.Instruments.Count > 0)
        {
            await store.PutAsync([.. earlier.State.Instruments.Values.Select(r => r.ToDefinition())], cancellationToken);
            await earlier.ClearStateAsync(cancellationToken);
        }

        foreach (var definition in await store.ReadAllAsync(cancellationToken))
        {
            _instruments[definition.Id.Value] = InstrumentRecord.From(definition);
        }
    }

    public Task PutAsync(InstrumentRecord instrument) => PutManyAsync([instrument]);

    public async Task PutManyAsync(InstrumentRecord[] instruments)
    {
        await store.PutAsync([.. instruments.Select(i => i.ToDefinition())]);
        foreach (var instrument in instruments)
        {
            _instruments[instrument.Id] = instrument;
        }
    }

    public Task<InstrumentRecord[]> GetAllAsync() => Task.FromResult(_instruments.Values.ToArray());

    public Task<InstrumentRecord?> GetAsync(string id) => Task.FromResult(_instruments.GetValueOrDefault(id));

    public async Task<bool> RemoveAsync(string id)
    {
        if (!_instruments.ContainsKey(id))
        {
            return false;
        }

        await store.RemoveAsync(InstrumentId.Parse(id));
        _instruments.Remove(id);
        return true;
    }
}
